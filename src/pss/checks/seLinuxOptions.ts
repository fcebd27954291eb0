/**
 * seLinuxOptions (baseline, v1.0+): setting the SELinux type is restricted, and setting a custom
 * SELinux user or role is forbidden.
 *
 * Restricted fields: spec.securityContext.seLinuxOptions.type and the same field on every
 * container, init container and ephemeral container
 * Allowed values: undefined/empty, container_t, container_init_t, container_kvm_t,
 * and from v1.31 container_engine_t
 *
 * Restricted fields: seLinuxOptions.user and seLinuxOptions.role (pod and containers)
 * Allowed values: undefined/empty
 */
import {
  ALLOWED,
  asObject,
  containerList,
  containerSecurityContext,
  containersOf,
  forbidden,
  joinQuote,
  pluralize,
  podSecurityContext,
  sortedSet,
  str,
} from "../pod-model.js";
import type { CheckResult, FieldPath, JsonObject, PodSecurityCheck, PodUnderTest } from "../types.js";

const TYPES_1_0 = ["", "container_t", "container_init_t", "container_kvm_t"];
const TYPES_1_31 = [...TYPES_1_0, "container_engine_t"];

/** Whether these seLinuxOptions break the rule: a type not allowed, or a user or role set. */
function violates(opts: JsonObject | undefined, allowedTypes: ReadonlySet<string>): boolean {
  return (
    opts !== undefined &&
    (!allowedTypes.has(str(opts.type)) || str(opts.user) !== "" || str(opts.role) !== "")
  );
}

/** The cheap first pass: does the pod or any container set forbidden seLinuxOptions? */
function anyViolation(pod: PodUnderTest, allowedTypes: ReadonlySet<string>): boolean {
  if (violates(asObject(podSecurityContext(pod)?.seLinuxOptions), allowedTypes)) return true;
  for (const c of containersOf(pod)) {
    if (violates(asObject(containerSecurityContext(c)?.seLinuxOptions), allowedTypes)) return true;
  }
  return false;
}

function seLinuxOptionsWith(allowedTypes: ReadonlySet<string>) {
  return (pod: PodUnderTest): CheckResult => {
    if (!anyViolation(pod, allowedTypes)) return ALLOWED;
    const setters: string[] = [];
    const badTypes: string[] = [];
    let setUser = false;
    let setRole = false;
    const fields: FieldPath[] = [];

    const invalid = (sc: JsonObject | undefined, at: FieldPath): boolean => {
      const opts = asObject(sc?.seLinuxOptions);
      if (!opts) return false;
      const base = [...at, "securityContext", "seLinuxOptions"];
      let bad = false;
      const type = str(opts.type);
      if (!allowedTypes.has(type)) {
        bad = true;
        badTypes.push(type);
        fields.push([...base, "type"]);
      }
      if (str(opts.user) !== "") {
        bad = setUser = true;
        fields.push([...base, "user"]);
      }
      if (str(opts.role) !== "") {
        bad = setRole = true;
        fields.push([...base, "role"]);
      }
      return bad;
    };

    if (invalid(podSecurityContext(pod), pod.specPath)) setters.push("pod");
    const badContainers = containersOf(pod)
      .filter((c) => invalid(containerSecurityContext(c), c.path))
      .map((c) => c.name);
    if (badContainers.length) setters.push(containerList(badContainers));
    if (!setters.length) return ALLOWED;

    const what: string[] = [];
    const types = sortedSet(badTypes);
    if (types.length) what.push(`${pluralize("type", "types", types.length)} ${joinQuote(types)}`);
    if (setUser) what.push("user may not be set");
    if (setRole) what.push("role may not be set");
    return forbidden(
      "seLinuxOptions",
      `${setters.join(" and ")} set forbidden securityContext.seLinuxOptions: ${what.join("; ")}`,
      fields,
    );
  };
}

export const seLinuxOptions: PodSecurityCheck = {
  id: "seLinuxOptions",
  level: "baseline",
  title: "SELinux type must be a container type; user and role must not be set",
  docs:
    "seLinuxOptions.type (pod and containers) must be empty, container_t, container_init_t, container_kvm_t " +
    "or (v1.31+) container_engine_t; seLinuxOptions.user and .role must be empty.",
  versions: [
    { minVersion: "v1.0", evaluate: seLinuxOptionsWith(new Set(TYPES_1_0)) },
    { minVersion: "v1.31", evaluate: seLinuxOptionsWith(new Set(TYPES_1_31)) },
  ],
};
