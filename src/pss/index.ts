/**
 * Pod Security Standards (baseline / restricted), evaluated as Kubernetes' Pod Security
 * Admission does, with the offending field paths for each violation.
 */
export { evaluatePodSecurity } from "./evaluate.js";
export { podUnderTest as locatePodTemplate } from "./pod-model.js";
export {
  NEWEST_POLICY_MINOR,
  podSecurityChecks,
  type ResolvedCheck as ResolvedPodSecurityCheck,
  type ResolvedPodSecurityPolicy,
  resolvePodSecurityPolicy,
} from "./registry.js";
export type {
  FieldPath as PodSecurityFieldPath,
  PodSecurityCheck,
  PodSecurityLevel,
  PodSecurityOptions,
  PodSecurityResult,
  PodSecurityVersion,
  PodSecurityViolation,
} from "./types.js";
