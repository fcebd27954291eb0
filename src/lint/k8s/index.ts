/** Kubernetes manifest lint: the engine, the rules and their registry. */
export {
  IGNORE_ANNOTATION,
  IGNORE_REASON_ANNOTATION,
  type LintK8sOptions,
  type LintK8sResult,
  lintManifests,
  type PodSecurityHook,
  ruleSeverity,
} from "./engine.js";
export { compileImagePattern, type ImagePattern } from "./image-patterns.js";
export { PodSecuritySpecError, parsePodSecuritySpec, podSecurityHook } from "./pod-security.js";
export type { ContainerRule, Issue, K8sRule, PodRule } from "./rule.js";
export { findK8sRule, K8S_RULES } from "./rule-registry.js";
