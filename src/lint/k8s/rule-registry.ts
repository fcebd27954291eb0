/**
 * Every manifest lint rule, in the order --list-rules prints them. Adding a rule is adding a
 * file under ./rules/ and a line here; the engine knows nothing of individual rules.
 */
import type { K8sRule } from "./rule.js";
import { containerCapabilitiesDangerous } from "./rules/container-capabilities-dangerous.js";
import { containerCapabilitiesNotDropped } from "./rules/container-capabilities-not-dropped.js";
import { containerCpuLimitMissing } from "./rules/container-cpu-limit-missing.js";
import { containerCpuRequestMissing } from "./rules/container-cpu-request-missing.js";
import { containerMemoryLimitMissing } from "./rules/container-memory-limit-missing.js";
import { containerMemoryRequestMissing } from "./rules/container-memory-request-missing.js";
import { containerPrivilegeEscalationAllowed } from "./rules/container-privilege-escalation-allowed.js";
import { containerPrivileged } from "./rules/container-privileged.js";
import { containerRequestExceedsLimit } from "./rules/container-request-exceeds-limit.js";
import { containerResourceQuantityInvalid } from "./rules/container-resource-quantity-invalid.js";
import { containerRootFilesystemWritable } from "./rules/container-root-filesystem-writable.js";
import { containerRunAsNonRoot } from "./rules/container-run-as-non-root.js";
import { containerRunAsRoot } from "./rules/container-run-as-root.js";
import { containerSeccompProfileMissing } from "./rules/container-seccomp-profile-missing.js";
import { imageNoDigest } from "./rules/image-no-digest.js";
import { imagePullPolicyMutableTag } from "./rules/image-pull-policy-mutable-tag.js";
import { imagePullPolicyNever } from "./rules/image-pull-policy-never.js";
import { imagePullSecretMissing } from "./rules/image-pull-secret-missing.js";
import { imageReferenceInvalid } from "./rules/image-reference-invalid.js";
import { imageRegistryNotAllowed } from "./rules/image-registry-not-allowed.js";
import { imageTagLatest } from "./rules/image-tag-latest.js";
import { podHostNamespaces } from "./rules/pod-host-namespaces.js";
import { podHostPathVolume } from "./rules/pod-host-path-volume.js";
import { podServiceAccountTokenAutomount } from "./rules/pod-service-account-token-automount.js";

export const K8S_RULES: readonly K8sRule[] = [
  imageReferenceInvalid,
  imageTagLatest,
  imageNoDigest,
  imagePullPolicyNever,
  imagePullPolicyMutableTag,
  imageRegistryNotAllowed,
  imagePullSecretMissing,
  containerResourceQuantityInvalid,
  containerRequestExceedsLimit,
  containerCpuRequestMissing,
  containerMemoryRequestMissing,
  containerMemoryLimitMissing,
  containerCpuLimitMissing,
  containerPrivileged,
  containerRunAsRoot,
  containerRunAsNonRoot,
  containerPrivilegeEscalationAllowed,
  containerCapabilitiesDangerous,
  containerCapabilitiesNotDropped,
  containerRootFilesystemWritable,
  containerSeccompProfileMissing,
  podHostNamespaces,
  podHostPathVolume,
  podServiceAccountTokenAutomount,
];

export function findK8sRule(id: string): K8sRule | undefined {
  return K8S_RULES.find((r) => r.id === id);
}
