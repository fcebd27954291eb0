/** The ImagePolicy: loading and validation, the engine shared by check and the webhook, explain. */
export {
  denialMessage,
  describeDecisions,
  type EvaluationContext,
  evaluateImage,
  evaluatePolicy,
  isWorkloadKind,
  matchesSelector,
  NAMESPACE_MODE_LABEL,
  namespaceGoverned,
  type PolicyDecision,
  type PolicyEvaluation,
  ruleMode,
  type UncheckedImage,
  type WorkloadId,
  workloadImages,
} from "./engine.js";
export { explainPolicy } from "./explain.js";
export { DeadlineError, ImageInspector, type InspectorOptions } from "./inspector.js";
export { loadPolicyFile, POLICY_SCHEMA_PATH, PolicyError, type PolicyProblem, parsePolicy } from "./load.js";
export { factLookupFailures, policyNeedsLookups, ruleWantsFact } from "./lookups.js";
export { matchName, normalisePattern, validatePattern } from "./patterns.js";
export type { FactVerdict, ImageConfigFact, ImageFacts } from "./rule.js";
export { POLICY_RULES } from "./rules/index.js";
export { STARTER_POLICY } from "./starter.js";
export type { ImagePolicy, LoadedPolicy, RuleMode } from "./types.js";
