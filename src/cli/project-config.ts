/**
 * Reading `.portcullis.yaml` for a verb: the config given with --config or found upward from the
 * inputs, checked against every rule id the linters know (k8s rules, Dockerfile rules and their
 * hadolint ids, Pod Security checks as `pss-<level>:<check>`), with every problem reported at
 * once as a UsageError (exit 2). Shared by `lint k8s` and `lint dockerfile`, which read the same
 * file, so a rule id of either linter is valid in it.
 */
import { ConfigError, loadProjectConfig, type ProjectConfig } from "../config/project-config.js";
import { DOCKERFILE_RULES } from "../lint/dockerfile/registry.js";
import { K8S_RULES } from "../lint/k8s/rule-registry.js";
import { podSecurityChecks } from "../pss/index.js";
import { UsageError } from "./errors.js";

let known: Set<string> | undefined;

/** Every id (and id prefix) a config may name. */
export function knownRuleIds(): ReadonlySet<string> {
  if (known) return known;
  known = new Set<string>();
  for (const r of K8S_RULES) known.add(r.id);
  for (const r of DOCKERFILE_RULES) {
    known.add(r.id);
    if (r.hadolint) known.add(r.hadolint);
  }
  for (const level of ["baseline", "restricted"]) {
    known.add(`pss-${level}`);
    for (const c of podSecurityChecks) known.add(`pss-${level}:${c.id}`);
  }
  return known;
}

/** The project config for these inputs; its problems, all of them, as one UsageError. */
export function readProjectConfig(configFile: string | undefined, inputs: string[]): ProjectConfig {
  try {
    return loadProjectConfig({ configFile, inputs, knownRules: knownRuleIds() });
  } catch (err) {
    if (err instanceof ConfigError) throw new UsageError(err.message);
    throw err;
  }
}
