/**
 * `portcullis lint dockerfile [paths...]`: lint Dockerfiles (files, directories searched
 * recursively, or `-` for stdin) with the Dockerfile rules, the shared .portcullis.yaml and
 * inline ignores, and report through the common reporters.
 */
import { type Command, Option } from "commander";
import { lintDockerfiles } from "../../lint/dockerfile/engine.js";
import { DOCKERFILE_RULES } from "../../lint/dockerfile/registry.js";
import { UsageError } from "../errors.js";
import { readProjectConfig } from "../project-config.js";
import { addReportOptions, emitReport, type ReportFlags } from "../report-options.js";

interface LintDockerfileFlags extends ReportFlags {
  buildArg: string[];
  config?: string;
  listRules?: boolean;
}

function collectBuildArg(value: string, previous: string[]): string[] {
  return [...previous, value];
}

function parseBuildArgs(values: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const v of values) {
    const eq = v.indexOf("=");
    if (eq <= 0) throw new UsageError(`--build-arg ${JSON.stringify(v)}: expected NAME=VALUE`);
    out[v.slice(0, eq)] = v.slice(eq + 1);
  }
  return out;
}

function listRules(): string {
  const rows = DOCKERFILE_RULES.map((r) => [r.id, r.severity, r.hadolint ?? "-", r.title]);
  const w = [0, 1, 2].map((k) =>
    Math.max(...rows.map((r) => r[k].length), ["RULE", "SEVERITY", "HADOLINT"][k].length),
  );
  const line = (r: string[]) => `${r[0].padEnd(w[0])}  ${r[1].padEnd(w[1])}  ${r[2].padEnd(w[2])}  ${r[3]}`;
  return `${[line(["RULE", "SEVERITY", "HADOLINT", "TITLE"]), ...rows.map(line)].join("\n")}\n`;
}

export function registerLintDockerfile(lint: Command): void {
  const cmd = lint
    .command("dockerfile")
    .description(
      "lint Dockerfiles: pinned minimal base images, non-root user, package-manager hygiene, secrets, risky downloads (hadolint-compatible ids)",
    )
    .argument("[paths...]", "Dockerfiles, directories to search (recursively), or - for stdin", ["."])
    .addOption(
      new Option("--build-arg <NAME=VALUE>", "value for an ARG used in FROM (repeatable)")
        .argParser(collectBuildArg)
        .default([]),
    )
    .option("--config <file>", "project config (default: .portcullis.yaml found upward from the first path)")
    .option("--list-rules", "print the rules (id, severity, hadolint id, title) and exit");
  addReportOptions(cmd, { failOn: "high" });
  cmd
    .addHelpText(
      "after",
      `
Inputs: a file is linted whatever its name; a directory is searched for Dockerfile,
Dockerfile.*, *.Dockerfile and Containerfile (skipping .git and node_modules).

Ignoring: put '# portcullis ignore=<rule-id>[,<rule-id>]' (hadolint ids and
'# hadolint ignore=DL3008' work too) on the line(s) just above an instruction; the finding
is reported as suppressed. In .portcullis.yaml: 'rules: {<rule-id>: off|low|…|critical}' and
'ignore: [<rule-id>]'; 'requireDigest: off|warn|error' drives dockerfile-base-image-no-digest.

Exit codes: 0 clean, 1 findings at or above --fail-on, 2 bad usage or a Dockerfile that
could not be read or parsed (the other files are still linted and reported).

Examples:
  portcullis lint dockerfile                             lint every Dockerfile under .
  portcullis lint dockerfile examples/docker/Dockerfile -f json
  portcullis lint dockerfile --build-arg BASE=python:3.12-slim Dockerfile
  cat Dockerfile | portcullis lint dockerfile - --fail-on medium
  portcullis lint dockerfile services/ -f sarif -o dockerfile.sarif
  portcullis lint dockerfile --list-rules`,
    )
    .action((paths: string[], flags: LintDockerfileFlags) => {
      if (flags.listRules) {
        process.stdout.write(listRules());
        process.exitCode = 0;
        return;
      }
      const buildArgs = parseBuildArgs(flags.buildArg ?? []);
      const config = readProjectConfig(flags.config, paths);
      const report = lintDockerfiles(paths, { buildArgs, config });
      process.exitCode = emitReport(report, flags, { title: `lint dockerfile ${paths.join(" ")}` });
    });
}
