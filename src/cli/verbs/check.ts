/**
 * `portcullis check [paths] --policy FILE [--images]`: manifests and Dockerfiles against the
 * ImagePolicy, with the engine the admission webhook uses.
 */
import type { Command } from "commander";
import { runCheck } from "../../check/run.js";
import { ImageInspector } from "../../policy/inspector.js";
import type { RegistryClientOptions } from "../../registry/client.js";
import { OperationalError } from "../errors.js";
import { requireDirectory } from "../files.js";
import { parseDuration } from "../option-values.js";
import { requirePolicy } from "../policy-file.js";
import { addRegistryOptions, clientFromFlags, type RegistryFlags } from "../registry-options.js";
import { addReportOptions, emitReport, type ReportFlags } from "../report-options.js";
import { warnIfStaleAt } from "../vuln-db-freshness.js";

interface CheckFlags extends ReportFlags, RegistryFlags {
  policy?: string;
  images?: boolean;
  secretsDir: string[];
  db?: string;
}

/** The registry options of --images, checked up front (a bad --ca-file is exit 2, not a look-up failure). */
async function registryOptions(flags: CheckFlags): Promise<RegistryClientOptions> {
  await clientFromFlags(flags).close();
  return {
    ...(flags.caFile ? { caFile: flags.caFile } : {}),
    ...(flags.insecureRegistry?.length ? { insecureRegistries: flags.insecureRegistry } : {}),
    ...(flags.pullSecret?.length ? { pullSecretFiles: flags.pullSecret } : {}),
    ...(flags.timeout ? { timeoutMs: parseDuration(flags.timeout, "--timeout") } : {}),
  };
}

export function register(program: Command): void {
  const cmd = program
    .command("check")
    .description("check manifests and Dockerfiles against an ImagePolicy (the webhook's rules, in CI)")
    .argument("[paths...]", "manifest files or folders (*.yaml, *.yml, *.json), Dockerfiles; - for stdin", [
      ".",
    ])
    .option("--policy <file>", "the ImagePolicy file (required)")
    .option(
      "--images",
      "look images up: resolve digests, verify signatures/attestations, scans, read config labels and base images",
    )
    .option(
      "--secrets-dir <dir>",
      "folder holding the policy's key Secrets as <namespace>/<name>/<key> or <namespace>/<name>.yaml (repeatable; searched before $PORTCULLIS_SECRETS_DIR)",
      (value: string, previous: string[]) => [...previous, value],
      [],
    )
    .option(
      "--db <file|postgres://…>",
      "the vulnerability database for the policy's vulnerabilities rule, with --images (default: $PORTCULLIS_DB, else $XDG_CACHE_HOME/portcullis/vuln.db)",
    );
  addRegistryOptions(cmd);
  addReportOptions(cmd, { failOn: "high" });
  cmd.addHelpText(
    "after",
    `
Modes map to severities: enforce -> high (fails at the default --fail-on high, as the webhook
denies), warn -> medium, audit -> low. Waived findings (policy exceptions) are reported as suppressed.
The registry flags (--ca-file, --insecure-registry, --pull-secret, --timeout) and --db are used
with --images; a vulnerabilities rule that scans fails closed when the database cannot be used.

Exit codes: 0 clean, 1 findings at or above --fail-on, 2 bad input or policy (the other inputs
are still checked), 3 image look-ups failed (registry unreachable, auth refused).

Examples:
  portcullis check deploy/ --policy policy.yaml
  portcullis check deploy/ Dockerfile --policy policy.yaml --images -f sarif -o check.sarif
  portcullis check deploy/ --policy policy.yaml --images --db ./vuln.db
  portcullis check deploy/ --policy policy.yaml --images --secrets-dir /etc/portcullis/secrets \\
      --pull-secret regcred.yaml
  kubectl get deploy -A -o yaml | portcullis check - --policy policy.yaml`,
  );
  cmd.action(async (paths: string[], flags: CheckFlags) => {
    const policy = requirePolicy(flags.policy);
    for (const dir of flags.secretsDir) requireDirectory("--secrets-dir", dir);
    const inspector = flags.images
      ? new ImageInspector({
          registry: await registryOptions(flags),
          ...(flags.secretsDir.length ? { secretsDirs: flags.secretsDir } : {}),
          ...(flags.db ? { vulnDb: flags.db } : {}),
        })
      : undefined;
    const vulnRule = policy.policy.spec.rules?.vulnerabilities;
    if (inspector && vulnRule && vulnRule.evidence !== "attestation") {
      const { vulnDbLocation } = await import("../../scan/database.js");
      await warnIfStaleAt(await vulnDbLocation(flags.db));
    }
    try {
      const result = await runCheck({ policy, paths: paths.length ? paths : ["."], inspector });
      if (!flags.quiet) for (const n of result.notes) process.stderr.write(`note: ${n}\n`);
      const code = emitReport(result.report, flags, {
        title: `check ${(paths.length ? paths : ["."]).join(" ")} against ${flags.policy}`,
      });
      if (result.lookupFailures.length && code !== 2) {
        for (const f of result.lookupFailures) process.stderr.write(`error: ${f}\n`);
        throw new OperationalError(`${result.lookupFailures.length} image look-up(s) failed`);
      }
      process.exitCode = code;
    } finally {
      await inspector?.close();
    }
  });
}
