/**
 * allowPrivilegeEscalation (restricted, v1.8+): privilege escalation (such as via set-user-ID or
 * set-group-ID file modes) must not be allowed.
 *
 * Restricted fields: spec.containers[*].securityContext.allowPrivilegeEscalation,
 * spec.initContainers[*].securityContext.allowPrivilegeEscalation,
 * spec.ephemeralContainers[*].securityContext.allowPrivilegeEscalation
 * Allowed values: false
 *
 * v1.25+: Windows pods (spec.os.name: windows) are exempt.
 */
import {
  ALLOWED,
  closestExisting,
  containerList,
  containerSecurityContext,
  containersOf,
  forbidden,
  isWindowsPod,
} from "../pod-model.js";
import type { CheckResult, FieldPath, PodSecurityCheck, PodUnderTest } from "../types.js";

function requireNoEscalation(pod: PodUnderTest): CheckResult {
  const bad: string[] = [];
  const fields: FieldPath[] = [];
  for (const c of containersOf(pod)) {
    if (containerSecurityContext(c)?.allowPrivilegeEscalation !== false) {
      bad.push(c.name);
      fields.push(closestExisting(pod.root, [...c.path, "securityContext", "allowPrivilegeEscalation"]));
    }
  }
  return bad.length
    ? forbidden(
        "allowPrivilegeEscalation != false",
        `${containerList(bad)} must set securityContext.allowPrivilegeEscalation=false`,
        fields,
      )
    : ALLOWED;
}

export const allowPrivilegeEscalation: PodSecurityCheck = {
  id: "allowPrivilegeEscalation",
  level: "restricted",
  title: "Containers must set allowPrivilegeEscalation: false",
  docs:
    "securityContext.allowPrivilegeEscalation must be explicitly false on every container; Windows pods " +
    "(spec.os.name: windows) are exempt from v1.25.",
  versions: [
    { minVersion: "v1.8", evaluate: requireNoEscalation },
    { minVersion: "v1.25", evaluate: (pod) => (isWindowsPod(pod) ? ALLOWED : requireNoEscalation(pod)) },
  ],
};
