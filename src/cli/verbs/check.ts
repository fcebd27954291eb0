/**
 * `portcullis check [paths] --policy FILE [--images]`: manifests and Dockerfiles against the
 * ImagePolicy, with the engine the admission webhook uses.
 */
import type { Command } from "commander";
import { runCheck } from "../../check/run.js";
import { ImageInspector } from "../../policy/inspector.js";
import { loadOptionalModules } from "../../policy/optional-modules.js";
import { OperationalError } from "../errors.js";
import { addReportOptions, emitReport, type ReportFlags } from "../report-options.js";
import { requirePolicy } from "./policy.js";

interface CheckFlags extends ReportFlags {
  policy?: string;
  images?: boolean;
  caFile?: string;
}

export function register(program: Command): void {
  const cmd = program
    .command("check")
    .description("check manifests and Dockerfiles against an ImagePolicy (the webhook's rules, in CI)")
    .argument("[paths...]", "manifest files or folders (*.yaml, *.yml, *.json), Dockerfiles; - for stdin", [
      ".",
    ])
    .option("--policy <file>", "the ImagePolicy file (required)")
    .option("--images", "look images up: resolve digests, verify signatures/attestations, scans")
    .option("--ca-file <file>", "extra CA certificates for registries (with --images)");
  addReportOptions(cmd, { failOn: "high" });
  cmd.addHelpText(
    "after",
    `
Modes map to severities: enforce -> high (fails at the default --fail-on high, as the webhook
denies), warn -> medium, audit -> low. Waived findings (policy exceptions) are reported as suppressed.

Examples:
  portcullis check deploy/ --policy policy.yaml
  portcullis check deploy/ Dockerfile --policy policy.yaml --images -f sarif -o check.sarif
  kubectl get deploy -A -o yaml | portcullis check - --policy policy.yaml`,
  );
  cmd.action(async (paths: string[], flags: CheckFlags) => {
    const policy = requirePolicy(flags.policy);
    await loadOptionalModules();
    const inspector = flags.images
      ? new ImageInspector({ registry: flags.caFile ? { caFile: flags.caFile } : {} })
      : undefined;
    try {
      const result = await runCheck({ policy, paths: paths.length ? paths : ["."], inspector });
      if (!flags.quiet) for (const n of result.notes) process.stderr.write(`note: ${n}\n`);
      const code = emitReport(result.report, flags);
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
