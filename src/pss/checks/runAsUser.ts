/**
 * runAsUser (restricted, v1.23+): containers must not set runAsUser to 0 (root).
 *
 * Restricted fields: spec.securityContext.runAsUser,
 * spec.containers[*].securityContext.runAsUser,
 * spec.initContainers[*].securityContext.runAsUser,
 * spec.ephemeralContainers[*].securityContext.runAsUser
 * Allowed values: non-zero values, undefined/null
 *
 * v1.35+: pods in a user namespace (spec.hostUsers: false) are exempt.
 */
import {
  ALLOWED,
  containerList,
  containerSecurityContext,
  containersOf,
  forbidden,
  podSecurityContext,
  usesUserNamespace,
} from "../pod-model.js";
import type { CheckResult, FieldPath, PodSecurityCheck, PodUnderTest } from "../types.js";

function forbidRootUid(pod: PodUnderTest): CheckResult {
  const setters: string[] = [];
  const fields: FieldPath[] = [];
  if (podSecurityContext(pod)?.runAsUser === 0) {
    setters.push("pod");
    fields.push([...pod.specPath, "securityContext", "runAsUser"]);
  }
  const bad: string[] = [];
  for (const c of containersOf(pod)) {
    if (containerSecurityContext(c)?.runAsUser === 0) {
      bad.push(c.name);
      fields.push([...c.path, "securityContext", "runAsUser"]);
    }
  }
  if (bad.length) setters.push(containerList(bad));
  return setters.length
    ? forbidden("runAsUser=0", `${setters.join(" and ")} must not set runAsUser=0`, fields)
    : ALLOWED;
}

export const runAsUser: PodSecurityCheck = {
  id: "runAsUser",
  level: "restricted",
  title: "Containers must not run as UID 0",
  docs:
    "securityContext.runAsUser (pod and containers) must not be 0. From v1.35 pods with spec.hostUsers: false " +
    "are exempt.",
  versions: [
    { minVersion: "v1.23", evaluate: forbidRootUid },
    { minVersion: "v1.35", evaluate: (pod) => (usesUserNamespace(pod) ? ALLOWED : forbidRootUid(pod)) },
  ],
};
