/**
 * runAsNonRoot (restricted, v1.0+): containers must be required to run as non-root users.
 *
 * Restricted fields: spec.securityContext.runAsNonRoot,
 * spec.containers[*].securityContext.runAsNonRoot,
 * spec.initContainers[*].securityContext.runAsNonRoot,
 * spec.ephemeralContainers[*].securityContext.runAsNonRoot
 * Allowed values: true; undefined/null at container level when the pod level is true
 *
 * v1.35+: pods in a user namespace (spec.hostUsers: false) are exempt.
 */
import {
  ALLOWED,
  closestExisting,
  containerList,
  containerSecurityContext,
  containersOf,
  forbidden,
  isSet,
  podSecurityContext,
  usesUserNamespace,
} from "../pod-model.js";
import type { CheckResult, ContainerVisit, FieldPath, PodSecurityCheck, PodUnderTest } from "../types.js";

function nonRootPath(c: ContainerVisit): FieldPath {
  return [...c.path, "securityContext", "runAsNonRoot"];
}

function requireNonRoot(pod: PodUnderTest): CheckResult {
  const setters: string[] = [];
  const badFields: FieldPath[] = [];
  const podValue = podSecurityContext(pod)?.runAsNonRoot;
  if (isSet(podValue) && podValue !== true) {
    setters.push("pod");
    badFields.push([...pod.specPath, "securityContext", "runAsNonRoot"]);
  }
  const podNonRoot = podValue === true;

  const explicitlyBad: string[] = [];
  const implicitlyBad: string[] = [];
  const missingFields: FieldPath[] = [];
  for (const c of containersOf(pod)) {
    const value = containerSecurityContext(c)?.runAsNonRoot;
    if (isSet(value)) {
      if (value !== true) {
        explicitlyBad.push(c.name);
        badFields.push(nonRootPath(c));
      }
    } else if (!podNonRoot) {
      implicitlyBad.push(c.name);
      missingFields.push(closestExisting(pod.root, nonRootPath(c)));
    }
  }
  if (explicitlyBad.length) setters.push(containerList(explicitlyBad));
  if (setters.length) {
    return forbidden(
      "runAsNonRoot != true",
      `${setters.join(" and ")} must not set securityContext.runAsNonRoot=false`,
      badFields,
    );
  }
  if (implicitlyBad.length) {
    return forbidden(
      "runAsNonRoot != true",
      `pod or ${containerList(implicitlyBad)} must set securityContext.runAsNonRoot=true`,
      missingFields,
    );
  }
  return ALLOWED;
}

export const runAsNonRoot: PodSecurityCheck = {
  id: "runAsNonRoot",
  level: "restricted",
  title: "Containers must run as non-root (runAsNonRoot: true)",
  docs:
    "securityContext.runAsNonRoot must be true on the pod, or on every container; no container may set it to " +
    "false. From v1.35 pods with spec.hostUsers: false are exempt.",
  versions: [
    { minVersion: "v1.0", evaluate: requireNonRoot },
    { minVersion: "v1.35", evaluate: (pod) => (usesUserNamespace(pod) ? ALLOWED : requireNonRoot(pod)) },
  ],
};
