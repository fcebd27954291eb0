/**
 * procMount (baseline, v1.0+): the default /proc masks are set up to reduce attack surface and
 * should be required.
 *
 * Restricted fields: spec.containers[*].securityContext.procMount,
 * spec.initContainers[*].securityContext.procMount,
 * spec.ephemeralContainers[*].securityContext.procMount
 * Allowed values: undefined/null, "Default"
 *
 * v1.35+: pods in a user namespace (spec.hostUsers: false) are exempt at the baseline level;
 * procMount_restricted keeps the unconditional rule at the restricted level.
 */
import {
  ALLOWED,
  containerList,
  containerSecurityContext,
  containersOf,
  forbidden,
  isSet,
  joinQuote,
  sortedSet,
  str,
  usesUserNamespace,
} from "../pod-model.js";
import type { CheckResult, FieldPath, PodSecurityCheck, PodUnderTest } from "../types.js";

/** The v1.0 rule: only the default /proc mount type, for every pod. */
export function requireDefaultProcMount(pod: PodUnderTest): CheckResult {
  const bad: string[] = [];
  const values: string[] = [];
  const fields: FieldPath[] = [];
  for (const c of containersOf(pod)) {
    const procMount = containerSecurityContext(c)?.procMount;
    if (isSet(procMount) && procMount !== "Default") {
      bad.push(c.name);
      values.push(str(procMount));
      fields.push([...c.path, "securityContext", "procMount"]);
    }
  }
  return bad.length
    ? forbidden(
        "procMount",
        `${containerList(bad)} must not set securityContext.procMount to ${joinQuote(sortedSet(values))}`,
        fields,
      )
    : ALLOWED;
}

export const procMount: PodSecurityCheck = {
  id: "procMount",
  level: "baseline",
  title: "Containers must use the default /proc mount",
  docs:
    "securityContext.procMount must be Default or unset on every container; from v1.35 pods with " +
    "spec.hostUsers: false are exempt at the baseline level.",
  versions: [
    { minVersion: "v1.0", evaluate: requireDefaultProcMount },
    {
      minVersion: "v1.35",
      evaluate: (pod) => (usesUserNamespace(pod) ? ALLOWED : requireDefaultProcMount(pod)),
    },
  ],
};
