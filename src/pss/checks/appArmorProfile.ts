/**
 * appArmorProfile (baseline, v1.0+): the runtime's default AppArmor profile must not be
 * overridden or disabled; only the default or a profile loaded on the node may be used.
 *
 * Restricted fields: metadata.annotations['container.apparmor.security.beta.kubernetes.io/*']
 * Allowed values: 'runtime/default', 'localhost/*', empty, undefined
 *
 * Restricted fields (the appArmorProfile API fields, GA in Kubernetes 1.30):
 * spec.securityContext.appArmorProfile.type,
 * spec.containers[*].securityContext.appArmorProfile.type,
 * spec.initContainers[*].securityContext.appArmorProfile.type,
 * spec.ephemeralContainers[*].securityContext.appArmorProfile.type
 * Allowed values: 'RuntimeDefault', 'Localhost', undefined
 *
 * Upstream added the field check to its v1.0 implementation rather than a new version, so it
 * applies at every policy version; so does it here.
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
import type { ContainerVisit, FieldPath, JsonObject, PodSecurityCheck, PodUnderTest } from "../types.js";

const ANNOTATION_PREFIX = "container.apparmor.security.beta.kubernetes.io/";

function allowedAnnotationValue(v: string): boolean {
  return v === "" || v === "runtime/default" || v.startsWith("localhost/");
}

function allowedProfileType(t: string): boolean {
  return t === "RuntimeDefault" || t === "Localhost";
}

/** A securityContext whose appArmorProfile sets a type other than RuntimeDefault or Localhost. */
function setsBadProfile(sc: JsonObject | undefined): boolean {
  const profile = asObject(sc?.appArmorProfile);
  return profile !== undefined && !allowedProfileType(str(profile.type));
}

function containerSetsBadProfile(c: ContainerVisit): boolean {
  return setsBadProfile(containerSecurityContext(c));
}

function hasBadAnnotation(annotations: JsonObject | undefined): boolean {
  if (!annotations) return false;
  for (const key of Object.keys(annotations)) {
    if (key.startsWith(ANNOTATION_PREFIX) && !allowedAnnotationValue(str(annotations[key]))) return true;
  }
  return false;
}

/** The cheap first pass: is any profile type or annotation forbidden? */
function anyViolation(pod: PodUnderTest): boolean {
  return (
    setsBadProfile(podSecurityContext(pod)) ||
    containersOf(pod).some(containerSetsBadProfile) ||
    hasBadAnnotation(asObject(pod.metadata.annotations))
  );
}

export const appArmorProfile: PodSecurityCheck = {
  id: "appArmorProfile",
  level: "baseline",
  title: "AppArmor must not be disabled or set to an arbitrary profile",
  docs:
    "securityContext.appArmorProfile.type (pod and containers) must be RuntimeDefault, Localhost or unset; " +
    "annotations container.apparmor.security.beta.kubernetes.io/* must be runtime/default, localhost/* or empty.",
  versions: [
    {
      minVersion: "v1.0",
      evaluate(pod: PodUnderTest) {
        if (!anyViolation(pod)) return ALLOWED;
        const setters: string[] = [];
        const values: string[] = [];
        const fields: FieldPath[] = [];
        const badProfile = (sc: JsonObject | undefined, at: FieldPath): boolean => {
          if (!setsBadProfile(sc)) return false;
          values.push(str(asObject(sc?.appArmorProfile)?.type));
          fields.push(closestExisting(pod.root, [...at, "securityContext", "appArmorProfile", "type"]));
          return true;
        };

        if (badProfile(podSecurityContext(pod), pod.specPath)) setters.push("pod");
        const badContainers = containersOf(pod)
          .filter((c) => badProfile(containerSecurityContext(c), c.path))
          .map((c) => c.name);
        if (badContainers.length) setters.push(containerList(badContainers));

        const annotations: string[] = [];
        const meta = asObject(pod.metadata.annotations) ?? {};
        for (const key of Object.keys(meta).sort()) {
          const value = str(meta[key]);
          if (key.startsWith(ANNOTATION_PREFIX) && !allowedAnnotationValue(value)) {
            annotations.push(`${key}=${quote(value)}`);
            fields.push([...pod.metadataPath, "annotations", key]);
          }
        }
        if (annotations.length) setters.push(pluralize("annotation", "annotations", annotations.length));

        if (!setters.length) return ALLOWED;
        const all = [...sortedSet(values), ...annotations];
        return forbidden(
          pluralize("forbidden AppArmor profile", "forbidden AppArmor profiles", all.length),
          `${setters.join(" and ")} must not set AppArmor profile type to ${joinQuote(all)}`,
          fields,
        );
      },
    },
  ],
};
