/**
 * Finding the pod inside any workload object (Pod, the controllers' pod templates, CronJob's job
 * template, PodTemplate) and its containers, with the JSON path of each so that findings can be
 * located in YAML and JSON patches can address them. Not a general Kubernetes model.
 */

export type JsonPath = (string | number)[];

export interface ContainerRef {
  /** containers | initContainers | ephemeralContainers */
  kind: "containers" | "initContainers" | "ephemeralContainers";
  index: number;
  name: string;
  image: string;
  /** Path of the container object inside the workload. */
  path: JsonPath;
  container: Record<string, unknown>;
}

export interface PodView {
  /** Path of the pod spec inside the workload. */
  specPath: JsonPath;
  spec: Record<string, unknown>;
  /** Path of the pod template's metadata (or the Pod's metadata). */
  metadataPath: JsonPath;
  containers: ContainerRef[];
  serviceAccountName: string;
}

/** Kinds whose pod spec sits at spec.template.spec. */
const TEMPLATE_KINDS = new Set([
  "Deployment",
  "ReplicaSet",
  "StatefulSet",
  "DaemonSet",
  "Job",
  "ReplicationController",
]);

export const WORKLOAD_KINDS = ["Pod", ...TEMPLATE_KINDS, "CronJob", "PodTemplate"] as const;

export function isWorkloadKind(kind: unknown): boolean {
  return typeof kind === "string" && (WORKLOAD_KINDS as readonly string[]).includes(kind);
}

export function podSpecPath(kind: string): JsonPath | undefined {
  if (kind === "Pod") return ["spec"];
  if (TEMPLATE_KINDS.has(kind)) return ["spec", "template", "spec"];
  if (kind === "CronJob") return ["spec", "jobTemplate", "spec", "template", "spec"];
  if (kind === "PodTemplate") return ["template", "spec"];
  return undefined;
}

function getIn(obj: unknown, path: JsonPath): unknown {
  let cur = obj;
  for (const k of path) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string | number, unknown>)[k];
  }
  return cur;
}

function asRecord(v: unknown): Record<string, unknown> | undefined {
  return v !== null && typeof v === "object" && !Array.isArray(v)
    ? (v as Record<string, unknown>)
    : undefined;
}

/** Container lists of a pod spec, in the order they run. */
const CONTAINER_KINDS = ["initContainers", "containers", "ephemeralContainers"] as const;

function containerRef(
  kind: ContainerRef["kind"],
  index: number,
  rec: Record<string, unknown>,
  specPath: JsonPath,
): ContainerRef {
  return {
    kind,
    index,
    name: typeof rec.name === "string" ? rec.name : `${kind}[${index}]`,
    image: typeof rec.image === "string" ? rec.image : "",
    path: [...specPath, kind, index],
    container: rec,
  };
}

/** The pod inside a workload, or undefined when the object is not a workload or has no pod spec. */
export function podView(obj: Record<string, unknown>): PodView | undefined {
  const specPath = podSpecPath(String(obj.kind));
  if (!specPath) return undefined;
  const spec = asRecord(getIn(obj, specPath));
  if (!spec) return undefined;
  const metadataPath = [...specPath.slice(0, -1), "metadata"];
  const containers: ContainerRef[] = [];
  for (const kind of CONTAINER_KINDS) {
    const list = spec[kind];
    if (!Array.isArray(list)) continue;
    for (let index = 0; index < list.length; index++) {
      const rec = asRecord(list[index]);
      if (rec) containers.push(containerRef(kind, index, rec, specPath));
    }
  }
  const sa = spec.serviceAccountName ?? spec.serviceAccount;
  return {
    specPath,
    spec,
    metadataPath,
    containers,
    serviceAccountName: typeof sa === "string" && sa ? sa : "default",
  };
}

export interface WorkloadId {
  apiVersion?: string;
  kind: string;
  namespace?: string;
  name?: string;
}

export function workloadId(obj: Record<string, unknown>, fallbackNamespace?: string): WorkloadId {
  const md = asRecord(obj.metadata) ?? {};
  const name =
    typeof md.name === "string"
      ? md.name
      : typeof md.generateName === "string"
        ? `${md.generateName}*`
        : undefined;
  const ns = typeof md.namespace === "string" && md.namespace ? md.namespace : fallbackNamespace;
  return {
    apiVersion: typeof obj.apiVersion === "string" ? obj.apiVersion : undefined,
    kind: String(obj.kind ?? ""),
    namespace: ns,
    name,
  };
}
