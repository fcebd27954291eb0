/**
 * `portcullis secret docker-registry NAME …`: print a `kubernetes.io/dockerconfigjson` pull
 * Secret, the same one `kubectl create secret docker-registry … --dry-run=client -o yaml`
 * prints. The password comes from a flag or, better, stdin; it is never echoed in messages.
 */
import { readFileSync } from "node:fs";
import { type Command, Option } from "commander";
import { RegistryError } from "../../registry/errors.js";
import {
  authsFromDockerConfig,
  buildDockerRegistrySecret,
  type DockerRegistrySecretInput,
  KUBECTL_DEFAULT_SERVER,
  namespaceProblem,
  secretNameProblem,
  secretToJson,
  secretToYaml,
} from "../../registry/pull-secret.js";
import { OperationalError, UsageError } from "../errors.js";
import { writeOutputFile } from "../files.js";

interface SecretFlags {
  dockerServer?: string;
  dockerUsername?: string;
  dockerPassword?: string;
  passwordStdin?: boolean;
  dockerEmail?: string;
  namespace?: string;
  fromDockerConfig?: string;
  format: "yaml" | "json";
  output?: string;
}

function readStdinPassword(): string {
  let text: string;
  try {
    text = readFileSync(0, "utf8");
  } catch (err) {
    throw new UsageError(
      `--password-stdin: cannot read stdin (${(err as NodeJS.ErrnoException).code ?? "error"})`,
    );
  }
  // Like `docker login --password-stdin`: one trailing newline is not part of the password.
  const pw = text.replace(/\r?\n$/, "");
  if (pw === "") throw new UsageError("--password-stdin: stdin was empty");
  return pw;
}

export async function secretFromFlags(name: string, flags: SecretFlags): Promise<string> {
  const nameProblem = secretNameProblem(name);
  if (nameProblem) throw new UsageError(nameProblem);
  if (flags.namespace !== undefined) {
    const p = namespaceProblem(flags.namespace);
    if (p) throw new UsageError(p);
  }
  let auths: DockerRegistrySecretInput["auths"];
  if (flags.fromDockerConfig) {
    if (flags.dockerUsername || flags.dockerPassword !== undefined || flags.passwordStdin) {
      throw new UsageError(
        "--from-docker-config cannot be combined with --docker-username/--docker-password/--password-stdin",
      );
    }
    try {
      auths = await authsFromDockerConfig(flags.fromDockerConfig, flags.dockerServer);
    } catch (err) {
      if (err instanceof RegistryError) {
        // The client prefixes "registry <host>: "; there is no registry here ("-").
        const message = err.message.replace(/^registry -: /, "");
        if (err.code === "CREDENTIALS" && err.message.includes("cannot read")) throw new UsageError(message);
        throw new OperationalError(message);
      }
      throw err;
    }
  } else {
    if (!flags.dockerUsername)
      throw new UsageError("--docker-username is required (or use --from-docker-config FILE)");
    if (flags.dockerPassword !== undefined && flags.passwordStdin) {
      throw new UsageError("give the password with --docker-password or --password-stdin, not both");
    }
    const password = flags.passwordStdin ? readStdinPassword() : flags.dockerPassword;
    if (password === undefined || password === "") {
      throw new UsageError("a password is required: --password-stdin (recommended) or --docker-password");
    }
    const server = flags.dockerServer ?? KUBECTL_DEFAULT_SERVER;
    auths = {
      [server]: {
        username: flags.dockerUsername,
        password,
        ...(flags.dockerEmail ? { email: flags.dockerEmail } : {}),
      },
    };
  }
  const secret = buildDockerRegistrySecret({ name, namespace: flags.namespace, auths });
  return flags.format === "json" ? secretToJson(secret) : secretToYaml(secret);
}

export function register(program: Command): void {
  const secret = program
    .command("secret")
    .description("generate Kubernetes Secrets for registries")
    .addHelpText(
      "after",
      `
Examples:
  printf '%s' "$REGISTRY_PASSWORD" | portcullis secret docker-registry regcred \\
      --docker-server ghcr.io --docker-username ci-bot --password-stdin | kubectl apply -f -
  portcullis secret docker-registry regcred --from-docker-config ~/.docker/config.json -o regcred.yaml

Run 'portcullis secret docker-registry --help' for its flags.`,
    );
  secret
    .command("docker-registry")
    .description(
      "print a kubernetes.io/dockerconfigjson pull Secret, identical to kubectl create secret docker-registry --dry-run=client",
    )
    .argument("<name>", "the Secret's name")
    .option(
      "--docker-server <server>",
      `registry server, kept verbatim as the auths key (default: ${KUBECTL_DEFAULT_SERVER})`,
    )
    .option("--docker-username <user>", "registry user name")
    .option(
      "--docker-password <password>",
      "registry password (visible in shell history and ps; prefer --password-stdin)",
    )
    .option("--password-stdin", "read the password from stdin (one trailing newline is dropped)")
    .option("--docker-email <email>", "e-mail address stored with the credentials (optional)")
    .option("-n, --namespace <ns>", "the Secret's namespace (omitted when not given, like kubectl)")
    .option(
      "--from-docker-config <file>",
      "take every server's credentials from a Docker config.json (credential helpers are asked for theirs); with --docker-server, only that server",
    )
    .addOption(new Option("-f, --format <format>", "output format").choices(["yaml", "json"]).default("yaml"))
    .option("-o, --output <file>", "write the Secret to FILE (mode 0600) instead of stdout")
    .addHelpText(
      "after",
      `
The output equals 'kubectl create secret docker-registry NAME ... --dry-run=client -o yaml'
(or -o json with -f json): the same keys and the same decoded .dockerconfigjson
{"auths":{SERVER:{"username","password","email"?,"auth"}}}. Apply it with kubectl apply -f -.

Examples:
  printf '%s' "$REGISTRY_PASSWORD" | portcullis secret docker-registry regcred \\
      --docker-server ghcr.io --docker-username ci-bot --password-stdin -n apps
  portcullis secret docker-registry regcred --from-docker-config ~/.docker/config.json -o regcred.yaml
  portcullis secret docker-registry regcred --from-docker-config ~/.docker/config.json --docker-server ghcr.io

Exit codes: 0 printed, 2 bad flags or unreadable file, 3 a credential helper failed.`,
    )
    .action(async (name: string, flags: SecretFlags) => {
      const text = await secretFromFlags(name, flags);
      if (flags.output) writeOutputFile(flags.output, text, "-o", 0o600);
      else process.stdout.write(text);
      process.exitCode = 0;
    });
}
