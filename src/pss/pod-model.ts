/**
 * Reading a pod spec as plain JSON, the way the checks need it: safe accessors that treat a
 * field of the wrong shape as absent, the container visitor (init, regular, ephemeral — the order
 * Pod Security Admission uses), and the "closest existing field" lookup used to report a missing
 * required field. Not a Kubernetes schema validator.
 */
import { podOf } from "../k8s/workload.js";
import type { CheckResult, ContainerVisit, FieldPath, JsonObject, PodUnderTest } from "./types.js";

export type { ContainerVisit };

export function asObject(v: unknown): JsonObject | undefined {
  return typeof v === "object" && v !== null && !Array.isArray(v) ? (v as JsonObject) : undefined;
}

export function asArray(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

/** `obj[k1][k2]…`, undefined as soon as a step is not an object. */
export function field(obj: unknown, ...keys: string[]): unknown {
  let cur: unknown = obj;
  for (const k of keys) {
    const o = asObject(cur);
    if (!o) return undefined;
    cur = o[k];
  }
  return cur;
}

/** True when the value is set: present and not null (Go's `!= nil`). */
export function isSet(v: unknown): boolean {
  return v !== undefined && v !== null;
}

/** A Go string field: the value when it is a string, else "" (unset). */
export function str(v: unknown): string {
  return typeof v === "string" ? v : v === undefined || v === null ? "" : String(v);
}

/** PSA's container order: initContainers, containers, ephemeralContainers. */
const PSA_ORDER = { initContainers: 0, containers: 1, ephemeralContainers: 2 } as const;

/**
 * The pod under test of a workload object, read through the shared workload model
 * (src/k8s/workload.ts: every pod-bearing kind, well-known CRDs such as Argo Rollouts, and
 * unknown kinds with a `spec.template.spec`), or undefined when it carries no pod spec.
 */
export function podUnderTest(obj: unknown): PodUnderTest | undefined {
  const pod = podOf(obj);
  if (!pod) return undefined;
  const containers: ContainerVisit[] = [...pod.containers]
    .sort((a, b) => PSA_ORDER[a.group] - PSA_ORDER[b.group] || a.index - b.index)
    .map((c) => ({ container: c.spec, name: str(c.spec.name), path: [...c.path] }));
  return {
    root: obj,
    metadata: pod.podMetadata,
    metadataPath: [...pod.podMetadataPath],
    spec: pod.podSpec,
    specPath: [...pod.podSpecPath],
    containers,
  };
}

/** Every container of the pod (listed once when the pod was located; read-only). */
export function containersOf(pod: PodUnderTest): readonly ContainerVisit[] {
  return pod.containers;
}

/** The pod-level securityContext, if it is an object. */
export function podSecurityContext(pod: PodUnderTest): JsonObject | undefined {
  return asObject(pod.spec.securityContext);
}

/** A container's securityContext, if it is an object. */
export function containerSecurityContext(c: ContainerVisit): JsonObject | undefined {
  return asObject(c.container.securityContext);
}

/** `spec.os.name: windows`: the Linux-only restricted checks exempt such pods from v1.25. */
export function isWindowsPod(pod: PodUnderTest): boolean {
  return field(pod.spec, "os", "name") === "windows";
}

/** `spec.hostUsers: false`: the pod runs in a user namespace (KEP-127 relaxations from v1.35). */
export function usesUserNamespace(pod: PodUnderTest): boolean {
  return pod.spec.hostUsers === false;
}

/**
 * The longest prefix of `path` that exists in the object: where a missing required field should
 * be reported (its closest existing parent).
 */
export function closestExisting(root: unknown, path: FieldPath): FieldPath {
  let cur: unknown = root;
  let i = 0;
  for (; i < path.length; i++) {
    const step = path[i]!;
    if (typeof step === "number") {
      if (!Array.isArray(cur) || step >= cur.length) break;
      cur = cur[step];
    } else {
      const o = asObject(cur);
      if (!o || !(step in o) || o[step] === undefined) break;
      cur = o[step];
    }
  }
  return path.slice(0, i);
}

/** Go's `%q` for the strings PSA quotes. */
export function quote(s: string): string {
  return JSON.stringify(s);
}

/** PSA's joinQuote: `"a", "b"`. */
export function joinQuote(items: readonly string[]): string {
  return items.map(quote).join(", ");
}

/** PSA's pluralize. */
export function pluralize(singular: string, plural: string, n: number): string {
  return n === 1 ? singular : plural;
}

/** `container "a"` / `containers "a", "b"`. */
export function containerList(names: readonly string[]): string {
  return `${pluralize("container", "containers", names.length)} ${joinQuote(names)}`;
}

/** Sorted, de-duplicated copy (Go's sets.List()). */
export function sortedSet(items: Iterable<string>): string[] {
  return [...new Set(items)].sort();
}

export const ALLOWED: CheckResult = Object.freeze({ allowed: true }) as CheckResult;

export function forbidden(reason: string, detail: string, fields: FieldPath[]): CheckResult {
  return { allowed: false, reason, detail, fields };
}
