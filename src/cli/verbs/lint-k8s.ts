/**
 * `portcullis lint k8s [paths... | -]`: lint Kubernetes manifests (files, directories, stdin)
 * for image, resource and securityContext problems, optionally against the Pod Security
 * Standards. A thin layer over src/k8s (loading) and src/lint/k8s (rules, engine).
 */
import { statSync } from "node:fs";
import { isAbsolute, relative } from "node:path";
import type { Command } from "commander";
import type { ProjectConfig } from "../../config/project-config.js";
import { loadManifests, type ManifestSet } from "../../k8s/load.js";
import type { PodSecurityHook } from "../../lint/k8s/engine.js";
import { K8S_RULES, lintManifests, ruleSeverity } from "../../lint/k8s/index.js";
import { PodSecuritySpecError, podSecurityHook } from "../../lint/k8s/pod-security.js";
import { podSecurityChecks, resolvePodSecurityPolicy } from "../../pss/index.js";
import { buildReport, type InputError } from "../../report/finding.js";
import { VERSION } from "../../version.js";
import { UsageError } from "../errors.js";
import { readProjectConfig } from "../project-config.js";
import { addReportOptions, emitReport, type ReportFlags } from "../report-options.js";

interface LintK8sFlags extends ReportFlags {
  pss?: string;
  allowedRegistry: string[];
  privateRegistry: string[];
  config?: string;
  listRules?: boolean;
}

const collect = (value: string, previous: string[]) => [...previous, value];

const EXAMPLES = `
Inputs: files, directories (recursive: *.yaml, *.yml, *.json) and - for stdin. Multi-document
YAML, kind: List and JSON are read; every finding points at the offending field's line:column.
Workloads: Pod, Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, CronJob,
ReplicationController, PodTemplate, and any kind with spec.template.spec (e.g. Argo Rollouts).

Examples:
  $ portcullis lint k8s deploy/
  $ helm template my-release bitnami/redis | portcullis lint k8s -
  $ kustomize build overlays/prod | portcullis lint k8s - --pss restricted
  $ portcullis lint k8s k8s/ --pss baseline:v1.29 --allowed-registry 'ghcr.io/acme/**' \\
      --allowed-registry 'docker.io/library/*'
  $ portcullis lint k8s app.yaml --private-registry registry.corp.example -f sarif -o lint.sarif
  $ portcullis lint k8s --list-rules

Suppress on an object:   metadata.annotations:
                           portcullis.dev/ignore: "container-cpu-limit-missing,pod-host-path-volume"
                           portcullis.dev/ignore-reason: "node agent, reviewed 2026-01"
Config (.portcullis.yaml, searched upward from the inputs, or --config):
  rules: { container-cpu-limit-missing: off }   ignore: [image-no-digest]
  requireDigest: off|warn|error   privateRegistries: [...]   allowedRegistries: [...]

Exit: 0 clean, 1 findings at or above --fail-on (default high), 2 bad usage or unreadable input.`;

export function registerLintK8s(lint: Command): void {
  const cmd = lint
    .command("k8s")
    .description(
      "lint Kubernetes manifests: image pinning and pull policy, registries, resources, securityContext, Pod Security Standards",
    )
    .argument("[paths...]", "manifest files or directories; - reads standard input")
    .option(
      "--pss <level[:version]>",
      "also check the Pod Security Standards: baseline or restricted, optionally :v1.N (default latest)",
    )
    .option(
      "--allowed-registry <pattern>",
      "trusted registry pattern, repeatable (host, *.host, host/org/**)",
      collect,
      [],
    )
    .option("--private-registry <pattern>", "registry that needs imagePullSecrets, repeatable", collect, [])
    .option(
      "--config <file>",
      "project config file (default: .portcullis.yaml searched upward from the inputs)",
    )
    .option("--list-rules", "print every rule with its id, severity and description, then exit");
  addReportOptions(cmd, { failOn: "high" });
  cmd.addHelpText("after", EXAMPLES);
  cmd.action((paths: string[], flags: LintK8sFlags) => {
    const config = readConfig(flags, paths);
    let hook: PodSecurityHook | undefined;
    try {
      hook = flags.pss ? podSecurityHook(flags.pss) : undefined;
    } catch (err) {
      if (err instanceof PodSecuritySpecError || err instanceof RangeError || err instanceof TypeError)
        throw new UsageError(err.message);
      throw err;
    }
    if (flags.listRules) {
      process.stdout.write(listRules(config, hook));
      return;
    }
    if (paths.length === 0) {
      throw new UsageError("give manifest files or directories, or - to read standard input (see --help)");
    }
    const set = loadManifests(paths);
    set.errors.push(...emptyDirectoryErrors(paths, set));
    const result = lintManifests(set, {
      config,
      allowedRegistries: flags.allowedRegistry,
      privateRegistries: flags.privateRegistry,
      podSecurity: hook,
    });
    const report = buildReport({
      toolVersion: VERSION,
      findings: result.findings,
      errors: result.errors,
      files: result.files,
      objects: result.objects,
      rules: result.rules,
    });
    process.exitCode = emitReport(report, flags, { title: `lint k8s ${paths.join(" ")}` });
  });
}

/** A directory given as input in which no manifest was found is an input error (exit 2), not a clean pass. */
function emptyDirectoryErrors(paths: string[], set: ManifestSet): InputError[] {
  const under = (file: string, dir: string) => {
    const rel = relative(dir, file);
    return rel === "" || (!rel.startsWith("..") && !isAbsolute(rel));
  };
  return paths
    .filter((p) => p !== "-" && isDirectory(p))
    .filter(
      (dir) => !set.sources.some((s) => under(s.file, dir)) && !set.errors.some((e) => under(e.file, dir)),
    )
    .map((dir) => ({
      file: dir,
      message: "no Kubernetes manifests (*.yaml, *.yml, *.json) found in this directory",
    }));
}

function isDirectory(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function readConfig(flags: LintK8sFlags, paths: string[]): ProjectConfig {
  return readProjectConfig(flags.config, paths.length ? paths : ["."]);
}

function listRules(config: ProjectConfig, hook: PodSecurityHook | undefined): string {
  const rows: [string, string, string][] = K8S_RULES.map((r) => [
    r.id,
    ruleSeverity(config, r.id, r.severity),
    r.title,
  ]);
  if (hook) {
    const policy = resolvePodSecurityPolicy(hook.level, hook.version);
    for (const { check } of policy.checks) {
      const id = `pss-${hook.level}:${check.id}`;
      rows.push([
        id,
        ruleSeverity(config, id, "high"),
        podSecurityChecks.find((c) => c.id === check.id)?.title ?? check.id,
      ]);
    }
  }
  const w0 = Math.max(...rows.map((r) => r[0].length));
  const w1 = Math.max(...rows.map((r) => r[1].length));
  return `${rows.map(([id, sev, title]) => `${id.padEnd(w0)}  ${sev.padEnd(w1)}  ${title}`).join("\n")}\n`;
}
