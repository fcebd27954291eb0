/**
 * seccompProfile_restricted (restricted, v1.19+): a seccomp profile must be set explicitly, and
 * only the runtime default and profiles loaded on the node are allowed.
 *
 * Restricted fields: spec.securityContext.seccompProfile.type and the same field on every
 * container, init container and ephemeral container
 * Allowed values: 'RuntimeDefault', 'Localhost'
 * Container-level fields may be undefined when the pod-level field is set to an allowed value.
 *
 * v1.25+: Windows pods (spec.os.name: windows) are exempt. Replaces seccompProfile_baseline at
 * the restricted level.
 */
import {
  ALLOWED,
  closestExisting,
  containerList,
  containerSecurityContext,
  containersOf,
  forbidden,
  isSet,
  isWindowsPod,
} from "../pod-model.js";
import type { CheckResult, FieldPath, PodSecurityCheck, PodUnderTest } from "../types.js";
import { explicitlyBadSeccomp } from "./seccompProfile_baseline.js";

function requireSeccomp(pod: PodUnderTest): CheckResult {
  const { result, podValid } = explicitlyBadSeccomp(pod);
  if (!result.allowed) return result;
  if (podValid) return ALLOWED;
  const missing: string[] = [];
  const fields: FieldPath[] = [];
  for (const c of containersOf(pod)) {
    if (!isSet(containerSecurityContext(c)?.seccompProfile)) {
      missing.push(c.name);
      fields.push(closestExisting(pod.root, [...c.path, "securityContext", "seccompProfile", "type"]));
    }
  }
  return missing.length
    ? forbidden(
        "seccompProfile",
        `pod or ${containerList(missing)} must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"`,
        fields,
      )
    : ALLOWED;
}

export const seccompProfileRestricted: PodSecurityCheck = {
  id: "seccompProfile_restricted",
  level: "restricted",
  title: "A seccomp profile (RuntimeDefault or Localhost) must be set",
  docs:
    "securityContext.seccompProfile.type must be RuntimeDefault or Localhost, set on the pod or on every " +
    "container; Windows pods (spec.os.name: windows) are exempt from v1.25.",
  versions: [
    { minVersion: "v1.19", overrides: ["seccompProfile_baseline"], evaluate: requireSeccomp },
    {
      minVersion: "v1.25",
      overrides: ["seccompProfile_baseline"],
      evaluate: (pod) => (isWindowsPod(pod) ? ALLOWED : requireSeccomp(pod)),
    },
  ],
};
