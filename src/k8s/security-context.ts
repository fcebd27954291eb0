/**
 * Effective securityContext values with Kubernetes' inheritance: a field set on the container
 * overrides the same field of the pod's securityContext; fields that only exist on one level
 * are read there. Each value comes with the path of the node that set it, so a finding can
 * point at the line that decided it. Not a policy: rules decide what is acceptable.
 */
import type { FieldPath } from "./source.js";
import { type ContainerInfo, isObject, type PodModel } from "./workload.js";

/** Fields of PodSecurityContext that a container's SecurityContext can override. */
export type InheritedField =
  | "runAsNonRoot"
  | "runAsUser"
  | "runAsGroup"
  | "seccompProfile"
  | "seLinuxOptions"
  | "appArmorProfile"
  | "windowsOptions";

export interface Effective<T> {
  value: T | undefined;
  /** Path (from the object root) of the field that set the value, when one did. */
  path?: FieldPath;
  /** Which level set it. */
  from?: "container" | "pod";
}

export function effectiveField(
  workload: PodModel,
  container: ContainerInfo,
  field: InheritedField,
): Effective<unknown> {
  const csc = container.spec.securityContext;
  if (isObject(csc) && csc[field] !== undefined && csc[field] !== null) {
    return { value: csc[field], path: [...container.path, "securityContext", field], from: "container" };
  }
  const psc = workload.podSpec.securityContext;
  if (isObject(psc) && psc[field] !== undefined && psc[field] !== null) {
    return { value: psc[field], path: [...workload.podSpecPath, "securityContext", field], from: "pod" };
  }
  return { value: undefined };
}

/** A container-only securityContext field (privileged, allowPrivilegeEscalation, capabilities, …). */
export function containerField(container: ContainerInfo, field: string): Effective<unknown> {
  const csc = container.spec.securityContext;
  if (isObject(csc) && csc[field] !== undefined && csc[field] !== null) {
    return { value: csc[field], path: [...container.path, "securityContext", field], from: "container" };
  }
  return { value: undefined };
}

/** Path to the container's securityContext (or the container, when it has none), for findings about absent fields. */
export function containerSecurityContextPath(container: ContainerInfo): FieldPath {
  return isObject(container.spec.securityContext) ? [...container.path, "securityContext"] : container.path;
}
