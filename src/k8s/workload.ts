/**
 * The workload model: which Kubernetes objects carry a pod spec, where it sits, and the
 * containers in it. Knows the built-in kinds (Pod, Deployment, ReplicaSet, StatefulSet,
 * DaemonSet, Job, CronJob, ReplicationController, PodTemplate) and treats any other kind with
 * a `spec.template.spec` holding containers (Argo Rollouts, OpenKruise CloneSets and similar
 * CRDs) as a workload too. Not for checking anything (see src/lint/k8s/).
 */
import type { ObjectRef } from "../report/finding.js";
import type { FieldPath, ManifestDocument } from "./source.js";

export type JsonObject = Record<string, unknown>;

export function isObject(v: unknown): v is JsonObject {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** One Kubernetes object from the input (a document, or an item of a `kind: List`). */
export interface K8sObject {
  document: ManifestDocument;
  /** Where the object sits in its document (empty, or `["items", i]` inside a List). */
  path: FieldPath;
  value: JsonObject;
  ref: ObjectRef;
  /** metadata.annotations (string values only). */
  annotations: Record<string, string>;
}

export type ContainerGroup = "containers" | "initContainers" | "ephemeralContainers";
export const CONTAINER_GROUPS: readonly ContainerGroup[] = [
  "containers",
  "initContainers",
  "ephemeralContainers",
];

export interface ContainerInfo {
  group: ContainerGroup;
  index: number;
  /** The container's name, or `<group>[i]` when it has none. */
  name: string;
  /** Path from the object root to the container mapping. */
  path: FieldPath;
  spec: JsonObject;
}

export interface Workload {
  object: K8sObject;
  /** Path from the object root to the pod spec. */
  podSpecPath: FieldPath;
  podSpec: JsonObject;
  /** Path from the object root to the pod (template) metadata, and its annotations. */
  podMetadataPath: FieldPath;
  podAnnotations: Record<string, string>;
  containers: ContainerInfo[];
}

/** Where the pod spec sits for each built-in workload kind (the core API group's and apps/batch). */
const POD_SPEC_PATHS: Record<string, readonly string[]> = {
  Pod: ["spec"],
  PodTemplate: ["template", "spec"],
  Deployment: ["spec", "template", "spec"],
  ReplicaSet: ["spec", "template", "spec"],
  StatefulSet: ["spec", "template", "spec"],
  DaemonSet: ["spec", "template", "spec"],
  Job: ["spec", "template", "spec"],
  ReplicationController: ["spec", "template", "spec"],
  CronJob: ["spec", "jobTemplate", "spec", "template", "spec"],
};

export const WORKLOAD_KINDS = Object.keys(POD_SPEC_PATHS);

/** Expand a document into its objects: the document itself, or the items of a `*List`. */
export function objectsOf(document: ManifestDocument): K8sObject[] {
  const out: K8sObject[] = [];
  const visit = (value: unknown, path: FieldPath) => {
    if (!isObject(value) || typeof value.kind !== "string") return;
    if (value.kind.endsWith("List") && Array.isArray(value.items)) {
      value.items.forEach((item, i) => {
        visit(item, [...path, "items", i]);
      });
      return;
    }
    out.push(makeObject(document, path, value));
  };
  visit(document.value, []);
  return out;
}

function makeObject(document: ManifestDocument, path: FieldPath, value: JsonObject): K8sObject {
  const meta = isObject(value.metadata) ? value.metadata : {};
  const ref: ObjectRef = { kind: value.kind as string };
  if (typeof value.apiVersion === "string") ref.apiVersion = value.apiVersion;
  if (typeof meta.namespace === "string") ref.namespace = meta.namespace;
  if (typeof meta.name === "string") ref.name = meta.name;
  else if (typeof meta.generateName === "string") ref.name = `${meta.generateName}*`;
  return { document, path, value, ref, annotations: stringMap(meta.annotations) };
}

function stringMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isObject(v)) return out;
  for (const [k, val] of Object.entries(v)) if (typeof val === "string") out[k] = val;
  return out;
}

function getPath(root: unknown, path: readonly (string | number)[]): unknown {
  let v = root;
  for (const seg of path) {
    if (typeof seg === "number") {
      if (!Array.isArray(v)) return undefined;
      v = v[seg];
    } else {
      if (!isObject(v)) return undefined;
      v = v[seg];
    }
  }
  return v;
}

/** The workload view of an object, or undefined when it carries no pod spec. */
export function workloadOf(object: K8sObject): Workload | undefined {
  let specPath = POD_SPEC_PATHS[object.ref.kind];
  if (!specPath) {
    // Unknown kinds (CRDs) with a pod template: spec.template.spec with containers.
    const candidate = getPath(object.value, ["spec", "template", "spec"]);
    if (!isObject(candidate) || !Array.isArray(candidate.containers)) return undefined;
    specPath = ["spec", "template", "spec"];
  }
  const podSpec = getPath(object.value, specPath);
  if (!isObject(podSpec)) return undefined;
  const podMetadataPath = [...specPath.slice(0, -1), "metadata"];
  const podMeta = object.ref.kind === "Pod" ? object.value.metadata : getPath(object.value, podMetadataPath);
  const containers: ContainerInfo[] = [];
  for (const group of CONTAINER_GROUPS) {
    const list = podSpec[group];
    if (!Array.isArray(list)) continue;
    list.forEach((c, index) => {
      if (!isObject(c)) return;
      containers.push({
        group,
        index,
        name: typeof c.name === "string" && c.name !== "" ? c.name : `${group}[${index}]`,
        path: [...specPath, group, index],
        spec: c,
      });
    });
  }
  return {
    object,
    podSpecPath: specPath,
    podSpec,
    podMetadataPath: object.ref.kind === "Pod" ? ["metadata"] : podMetadataPath,
    podAnnotations: stringMap(isObject(podMeta) ? podMeta.annotations : undefined),
    containers,
  };
}

/** Read a value at a path below a root (undefined when absent). */
export function valueAt(root: unknown, path: FieldPath): unknown {
  return getPath(root, path);
}
