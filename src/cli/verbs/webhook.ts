/**
 * `portcullis webhook serve | install`: run the admission webhook, or print the manifests that
 * run it in a cluster.
 */
import { readFileSync, statSync } from "node:fs";
import { type Command, Option } from "commander";
import { parse as parseYaml } from "yaml";
import { PolicyError } from "../../policy/load.js";
import { installManifests } from "../../webhook/install.js";
import { startWebhook } from "../../webhook/server.js";
import { OperationalError, UsageError } from "../errors.js";
import { describeFsError, requireDirectory } from "../files.js";
import { parseDuration } from "../option-values.js";
import { requirePolicy } from "../policy-file.js";

/**
 * --deadline: more than zero, and under the API server's 30 s maximum timeoutSeconds with the
 * 3 s of slack `webhook install` leaves (a longer deadline would be cut off by the API server).
 */
export function parseDeadline(s: string): number {
  const ms = parseDuration(s, "--deadline", { allowZero: true });
  if (ms <= 0) throw new UsageError(`--deadline must be greater than zero (got "${s}")`);
  if (ms > 27_000)
    throw new UsageError(
      `--deadline ${s} is too long: the API server waits at most 30 s (timeoutSeconds) and the webhook needs 3 s of it; use 27s or less`,
    );
  return ms;
}

/** A file given by a flag must be a readable file; say which flag and why otherwise. */
function requireReadableFile(flag: string, file: string): void {
  try {
    if (!statSync(file).isFile()) throw Object.assign(new Error("not a file"), { code: "EISDIR" });
    readFileSync(file);
  } catch (err) {
    throw new UsageError(`${flag} ${file}: ${describeFsError(err)}`);
  }
}

/** --namespace-labels: a YAML map namespace -> { label: value }. */
export function readNamespaceLabels(file: string): Record<string, Record<string, string>> {
  let value: unknown;
  try {
    value = parseYaml(readFileSync(file, "utf8"));
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code ? describeFsError(err) : (err as Error).message;
    throw new UsageError(`--namespace-labels ${file}: ${why}`);
  }
  const expected = "expected a YAML map of namespace -> { label: value }, e.g. 'shop: { team: web }'";
  if (value === null || value === undefined) return {};
  if (typeof value !== "object" || Array.isArray(value))
    throw new UsageError(`--namespace-labels ${file}: ${expected}`);
  const out: Record<string, Record<string, string>> = {};
  for (const [ns, labels] of Object.entries(value as Record<string, unknown>)) {
    if (labels === null) {
      out[ns] = {};
      continue;
    }
    if (typeof labels !== "object" || Array.isArray(labels))
      throw new UsageError(`--namespace-labels ${file}: namespace "${ns}": ${expected}`);
    out[ns] = {};
    for (const [k, v] of Object.entries(labels as Record<string, unknown>)) {
      if (typeof v === "object" && v !== null)
        throw new UsageError(
          `--namespace-labels ${file}: namespace "${ns}", label "${k}": expected a string value`,
        );
      out[ns][k] = String(v);
    }
  }
  return out;
}

function parseListen(s: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(s);
  if (!m) throw new UsageError(`--listen: expected HOST:PORT, got "${s}"`);
  const port = Number(m[3]);
  if (port > 65535) throw new UsageError(`--listen: bad port ${port}`);
  return { host: m[1] ?? (m[2] || "0.0.0.0"), port };
}

interface ServeFlags {
  policy?: string;
  listen: string;
  tlsCert?: string;
  tlsKey?: string;
  tlsDir?: string;
  deadline: string;
  namespaceLabels?: string;
  caFile?: string;
  logLevel: string;
  secretsDir: string[];
  digestTtl: string;
  verdictTtl: string;
  failureTtl: string;
}

export function register(program: Command): void {
  const webhook = program
    .command("webhook")
    .description("the admission webhook: enforce the ImagePolicy in a cluster (serve, install)")
    .addHelpText(
      "after",
      `
Examples:
  portcullis webhook install --policy policy.yaml --image ghcr.io/acme/portcullis:0.1.0@sha256:… | kubectl apply -f -
  portcullis webhook serve --policy policy.yaml --listen 127.0.0.1:8443

Run 'portcullis webhook serve --help' or 'portcullis webhook install --help' for their flags.`,
    );

  webhook
    .command("serve")
    .description("serve /validate, /mutate (AdmissionReview v1) and /imagereview over HTTPS")
    .option("--policy <file>", "the ImagePolicy file (required; reloaded when it changes)")
    .option("--listen <host:port>", "address to listen on", "127.0.0.1:8443")
    .option("--tls-cert <file>", "serving certificate (PEM; reloaded when it changes)")
    .option("--tls-key <file>", "its private key (PEM)")
    .option("--tls-dir <dir>", "where to write the generated CA and certificate (without --tls-cert)")
    .option("--deadline <duration>", "per-request deadline, under the webhook's timeoutSeconds", "10s")
    .option(
      "--namespace-labels <file>",
      "YAML map namespace -> labels, for namespaceSelector and portcullis.dev/mode",
    )
    .option("--ca-file <file>", "extra CA certificates for registries")
    .option(
      "--secrets-dir <dir>",
      "folder holding the policy's key Secrets as <namespace>/<name>/<key> or <namespace>/<name>.yaml (repeatable; searched before $PORTCULLIS_SECRETS_DIR)",
      (value: string, previous: string[]) => [...previous, value],
      [],
    )
    .addOption(
      new Option("--log-level <level>", "log level (debug logs every allowed request)")
        .choices(["fatal", "error", "warn", "info", "debug", "trace", "silent"])
        .default("info"),
    )
    .option("--digest-ttl <duration>", "how long a tag -> digest resolution is cached", "5m")
    .option(
      "--verdict-ttl <duration>",
      "how long signature/attestation/scan verdicts are cached (by digest)",
      "1h",
    )
    .option("--failure-ttl <duration>", "how long failed look-ups are cached", "10s")
    .addHelpText(
      "after",
      `
Without --tls-cert/--tls-key a CA and serving certificate are generated for the session (with
openssl); the log line "generated a self-signed CA" names the CA file to trust.
Endpoints: POST /validate, /mutate, /imagereview; GET /healthz, /readyz, /metrics.
Signals: SIGTERM/SIGINT stop gracefully (in-flight reviews finish); SIGHUP reloads the policy.

Examples:
  portcullis webhook serve --policy policy.yaml --listen 127.0.0.1:8443
  portcullis webhook serve --policy /etc/portcullis/policy.yaml --listen 0.0.0.0:8443 \\
    --tls-cert /etc/tls/tls.crt --tls-key /etc/tls/tls.key --deadline 8s
  portcullis webhook serve --policy policy.yaml --secrets-dir /var/run/portcullis/secrets

Exit codes: 0 stopped by SIGTERM/SIGINT, 2 bad flags or invalid policy, 3 cannot start
(address in use, openssl missing).`,
    )
    .action(async (flags: ServeFlags) => {
      if (!flags.policy)
        throw new UsageError("--policy FILE is required (portcullis policy init writes a starter policy)");
      if (Boolean(flags.tlsCert) !== Boolean(flags.tlsKey))
        throw new UsageError("give both --tls-cert and --tls-key, or neither");
      if (flags.tlsCert) requireReadableFile("--tls-cert", flags.tlsCert);
      if (flags.tlsKey) requireReadableFile("--tls-key", flags.tlsKey);
      for (const dir of flags.secretsDir) requireDirectory("--secrets-dir", dir);
      const { host, port } = parseListen(flags.listen);
      const namespaceLabels = flags.namespaceLabels ? readNamespaceLabels(flags.namespaceLabels) : undefined;
      const { pino } = await import("pino");
      // Asynchronous writes: a blocked stdout must not stall admission responses.
      const destination = pino.destination({ dest: 1, sync: false });
      const logger = pino({ name: "portcullis-webhook", level: flags.logLevel }, destination);
      const durations = {
        deadlineMs: parseDeadline(flags.deadline),
        digestTtlMs: parseDuration(flags.digestTtl, "--digest-ttl", { allowZero: true }),
        verdictTtlMs: parseDuration(flags.verdictTtl, "--verdict-ttl", { allowZero: true }),
        failureTtlMs: parseDuration(flags.failureTtl, "--failure-ttl", { allowZero: true }),
      };
      let server: Awaited<ReturnType<typeof startWebhook>>;
      try {
        server = await startWebhook({
          policyFile: flags.policy,
          host,
          port,
          tlsCert: flags.tlsCert,
          tlsKey: flags.tlsKey,
          tlsDir: flags.tlsDir,
          deadlineMs: durations.deadlineMs,
          namespaceLabels,
          logger,
          inspector: {
            registry: flags.caFile ? { caFile: flags.caFile } : {},
            digestTtlMs: durations.digestTtlMs,
            verdictTtlMs: durations.verdictTtlMs,
            failureTtlMs: durations.failureTtlMs,
            ...(flags.secretsDir.length ? { secretsDirs: flags.secretsDir } : {}),
          },
        });
      } catch (err) {
        if (err instanceof PolicyError) throw new UsageError(`invalid policy, not starting:\n${err.message}`);
        throw new OperationalError(`cannot start: ${(err as Error).message}`);
      }
      await new Promise<void>((resolve) => {
        const stop = (signal: string) => {
          logger.info({ signal }, "shutting down");
          const done = () => {
            destination.flushSync();
            resolve();
          };
          server.close().then(done, done);
        };
        process.once("SIGTERM", () => stop("SIGTERM"));
        process.once("SIGINT", () => stop("SIGINT"));
        process.on("SIGHUP", () => server.reloadPolicy());
      });
    });

  webhook
    .command("install")
    .description("print the manifests that run the webhook (kubectl apply -f -)")
    .option("--policy <file>", "the ImagePolicy to put in the ConfigMap (default: the starter policy)")
    .option("--namespace <ns>", "namespace to install into", "portcullis")
    .option("--image <image>", "the Portcullis image (pin it: name:tag@sha256:…)")
    .option("--deadline <duration>", "per-request deadline; timeoutSeconds is set 3 s above it", "10s")
    .addHelpText(
      "after",
      `
Prints: Namespace, ServiceAccount, ConfigMap (policy), Secret (generated TLS), Deployment (2
replicas, restricted Pod Security), PodDisruptionBudget, Service, MutatingWebhookConfiguration
(failurePolicy Ignore) and ValidatingWebhookConfiguration (failurePolicy Fail), both skipping
kube-system and the webhook's namespace.

Examples:
  portcullis webhook install --policy policy.yaml | kubectl apply -f -
  portcullis webhook install --image ghcr.io/portcullis/portcullis:0.1.0@sha256:… > portcullis.yaml`,
    )
    .action(async (flags: { policy?: string; namespace: string; image?: string; deadline: string }) => {
      let policyText: string;
      let loaded: ReturnType<typeof requirePolicy>;
      if (flags.policy) {
        loaded = requirePolicy(flags.policy);
        policyText = readFileSync(flags.policy, "utf8");
      } else {
        const { STARTER_POLICY } = await import("../../policy/starter.js");
        const { parsePolicy } = await import("../../policy/load.js");
        policyText = STARTER_POLICY;
        loaded = parsePolicy(policyText, "starter policy");
      }
      const ns = flags.namespace;
      if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(ns) || ns.length > 63) {
        throw new UsageError(`--namespace: "${ns}" is not a valid namespace name`);
      }
      const deadlineMs = parseDeadline(flags.deadline);
      if (!flags.image?.includes("@sha256:")) {
        process.stderr.write(
          "warning: the webhook image is not pinned by digest; pass --image name:tag@sha256:… (portcullis resolve finds it)\n",
        );
      }
      process.stdout.write(
        installManifests({
          namespace: ns,
          image: flags.image,
          policyText,
          policy: loaded.policy,
          deadlineMs,
        }),
      );
    });
}
