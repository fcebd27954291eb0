/**
 * seccompProfile_baseline (baseline): if a seccomp profile is specified, only the runtime
 * default and profiles loaded on the node are allowed.
 *
 * v1.0 – v1.18:
 * Restricted fields: metadata.annotations['seccomp.security.alpha.kubernetes.io/pod'],
 * metadata.annotations['container.seccomp.security.alpha.kubernetes.io/*']
 * Allowed values: 'runtime/default', 'docker/default', 'localhost/*', undefined
 *
 * v1.19+:
 * Restricted fields: spec.securityContext.seccompProfile.type and the same field on every
 * container, init container and ephemeral container
 * Allowed values: 'RuntimeDefault', 'Localhost', undefined
 *
 * At the restricted level, seccompProfile_restricted replaces this check from v1.19.
 */
import {
  ALLOWED,
  asObject,
  closestExisting,
  containerList,
  containerSecurityContext,
  containersOf,
  forbidden,
  joinQuote,
  pluralize,
  podSecurityContext,
  quote,
  sortedSet,
  str,
} from "../pod-model.js";
import type {
  CheckResult,
  ContainerVisit,
  FieldPath,
  JsonObject,
  PodSecurityCheck,
  PodUnderTest,
} from "../types.js";

const POD_ANNOTATION = "seccomp.security.alpha.kubernetes.io/pod";
const CONTAINER_ANNOTATION_PREFIX = "container.seccomp.security.alpha.kubernetes.io/";

export function validSeccompType(t: string): boolean {
  return t === "RuntimeDefault" || t === "Localhost";
}

function validAnnotationValue(v: string): boolean {
  return v === "runtime/default" || v === "docker/default" || v.startsWith("localhost/");
}

function seccompAnnotations(pod: PodUnderTest): CheckResult {
  const annotations = asObject(pod.metadata.annotations) ?? {};
  const bad = new Map<string, FieldPath>();
  const inspect = (key: string) => {
    if (!Object.hasOwn(annotations, key)) return;
    const value = str(annotations[key]);
    if (!validAnnotationValue(value))
      bad.set(`${key}=${quote(value)}`, [...pod.metadataPath, "annotations", key]);
  };
  inspect(POD_ANNOTATION);
  for (const c of containersOf(pod)) inspect(CONTAINER_ANNOTATION_PREFIX + c.name);
  if (!bad.size) return ALLOWED;
  const keys = [...bad.keys()].sort();
  return forbidden(
    "seccompProfile",
    `forbidden ${pluralize("annotation", "annotations", keys.length)} ${keys.join(", ")}`,
    keys.map((k) => bad.get(k)!),
  );
}

/** A securityContext whose seccompProfile sets a type other than RuntimeDefault or Localhost. */
function setsBadSeccomp(sc: JsonObject | undefined): boolean {
  const profile = asObject(sc?.seccompProfile);
  return profile !== undefined && !validSeccompType(str(profile.type));
}

function containerSetsBadSeccomp(c: ContainerVisit): boolean {
  return setsBadSeccomp(containerSecurityContext(c));
}

/** Explicitly set seccomp profiles with a bad type, at pod and container level (shared with restricted). */
export function explicitlyBadSeccomp(pod: PodUnderTest): { result: CheckResult; podValid: boolean } {
  const podSc = podSecurityContext(pod);
  // The cheap first pass: most pods set no bad profile, and need no message.
  if (!setsBadSeccomp(podSc) && !containersOf(pod).some(containerSetsBadSeccomp)) {
    return { result: ALLOWED, podValid: asObject(podSc?.seccompProfile) !== undefined };
  }
  const setters: string[] = [];
  const values: string[] = [];
  const fields: FieldPath[] = [];
  const bad = (sc: JsonObject | undefined, at: FieldPath): boolean => {
    if (!setsBadSeccomp(sc)) return false;
    values.push(str(asObject(sc?.seccompProfile)?.type));
    fields.push(closestExisting(pod.root, [...at, "securityContext", "seccompProfile", "type"]));
    return true;
  };
  const podBad = bad(podSc, pod.specPath);
  if (podBad) setters.push("pod");
  const badContainers = containersOf(pod)
    .filter((c) => bad(containerSecurityContext(c), c.path))
    .map((c) => c.name);
  if (badContainers.length) setters.push(containerList(badContainers));
  const result: CheckResult = setters.length
    ? forbidden(
        "seccompProfile",
        `${setters.join(" and ")} must not set securityContext.seccompProfile.type to ${joinQuote(sortedSet(values))}`,
        fields,
      )
    : ALLOWED;
  /** The pod level sets an allowed profile, which containers inherit. */
  const podValid = !podBad && asObject(podSc?.seccompProfile) !== undefined;
  return { result, podValid };
}

export const seccompProfileBaseline: PodSecurityCheck = {
  id: "seccompProfile_baseline",
  level: "baseline",
  title: "Seccomp must not be disabled (Unconfined)",
  docs:
    "securityContext.seccompProfile.type (pod and containers) must be RuntimeDefault, Localhost or unset " +
    "(v1.19+); before v1.19 the seccomp.security.alpha.kubernetes.io annotations must be runtime/default, " +
    "docker/default or localhost/*.",
  versions: [
    { minVersion: "v1.0", evaluate: seccompAnnotations },
    { minVersion: "v1.19", evaluate: (pod) => explicitlyBadSeccomp(pod).result },
  ],
};
