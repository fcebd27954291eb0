/**
 * The one workload model: which Kubernetes objects carry a pod spec, where it sits, and every
 * image the pod runs or mounts — containers, init and ephemeral containers, and image volumes
 * (`spec.volumes[].image.reference`, Kubernetes 1.31+) — each with its path from the object
 * root (so findings can be located in YAML and JSON patches can address them). Used by the
 * manifest lint rules, the Pod Security checks, the policy engine, the webhook and `pin`.
 *
 * Kinds: the built-in pod-bearing kinds (Pod, PodTemplate, Deployment, ReplicaSet, StatefulSet,
 * DaemonSet, Job, CronJob, ReplicationController); well-known CRDs with a pod template (Argo
 * Rollouts, OpenKruise CloneSet and Advanced StatefulSet/DaemonSet, OpenShift DeploymentConfig,
 * Knative Service/Configuration/Revision); and any other kind with a `spec.template.spec` that
 * lists containers, read the same way with a `note` saying so. Not for checking anything.
 */
import type { ObjectRef } from "../shared/types.js";
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

/**
 * One place the pod names an image: a container's `image`, or an image volume's
 * `image.reference`. Image rules (registries, tags, digests, signatures, scans, pinning) see
 * every site alike.
 */
export interface ImageSite {
  kind: "container" | "imageVolume";
  /** The container group, or "volumes" for an image volume. */
  group: ContainerGroup | "volumes";
  index: number;
  /** The container's or volume's name (`<group>[i]` when it has none). */
  name: string;
  /** "container app", "init container setup", "ephemeral container debug", "image volume data". */
  subject: string;
  /** The image as written; undefined when absent, the raw value when it is not a string. */
  raw: unknown;
  /** The image text ("" when absent or not a string). */
  image: string;
  /** Path from the object root to the image field (`…/image` or `…/image/reference`). */
  path: FieldPath;
  /** Path of the pull policy field (`imagePullPolicy`, or `image.pullPolicy` of a volume). */
  pullPolicyPath: FieldPath;
  /** The explicit pull policy, when set to a string. */
  pullPolicy?: string;
  /** The container, for container sites. */
  container?: ContainerInfo;
}

/** How the model knew where the pod spec is. */
export type WorkloadKindSource = "builtin" | "known-crd" | "inferred";

/** A pod spec and what is in it, independent of where the object came from. */
export interface PodModel {
  kindSource: WorkloadKindSource;
  /** Set for kinds read by the `spec.template.spec` convention (unknown CRDs). */
  note?: string;
  /** Path from the object root to the pod spec. */
  podSpecPath: FieldPath;
  podSpec: JsonObject;
  /** Path from the object root to the pod (template) metadata, its value and annotations. */
  podMetadataPath: FieldPath;
  podMetadata: JsonObject;
  podAnnotations: Record<string, string>;
  /** Containers: regular, then init, then ephemeral. */
  containers: ContainerInfo[];
  /** Every image site: each container's image (same order), then image volumes. */
  images: ImageSite[];
  /** spec.serviceAccountName (or the deprecated serviceAccount), else "default". */
  serviceAccountName: string;
}

export interface Workload extends PodModel {
  object: K8sObject;
}

const TEMPLATE = ["spec", "template", "spec"] as const;

/** Where the pod spec sits for each built-in workload kind (core, apps, batch). */
const BUILTIN_POD_SPEC_PATHS: Record<string, readonly string[]> = {
  Pod: ["spec"],
  PodTemplate: ["template", "spec"],
  Deployment: TEMPLATE,
  ReplicaSet: TEMPLATE,
  StatefulSet: TEMPLATE,
  DaemonSet: TEMPLATE,
  Job: TEMPLATE,
  ReplicationController: TEMPLATE,
  CronJob: ["spec", "jobTemplate", "spec", "template", "spec"],
};

/** API groups of the built-in kinds (a `Deployment` of another group is not apps/v1's). */
const BUILTIN_GROUPS = new Set(["", "apps", "batch", "extensions"]);

/** Well-known CRDs that carry a pod template, by `<group>/<kind>`. */
const KNOWN_CRD_POD_SPEC_PATHS: Record<string, readonly string[]> = {
  "argoproj.io/Rollout": TEMPLATE,
  "apps.kruise.io/CloneSet": TEMPLATE,
  "apps.kruise.io/StatefulSet": TEMPLATE,
  "apps.kruise.io/DaemonSet": TEMPLATE,
  "apps.openshift.io/DeploymentConfig": TEMPLATE,
  "serving.knative.dev/Service": TEMPLATE,
  "serving.knative.dev/Configuration": TEMPLATE,
  "serving.knative.dev/Revision": ["spec"],
};

/** The built-in pod-bearing kinds. */
export const WORKLOAD_KINDS = Object.keys(BUILTIN_POD_SPEC_PATHS);

/** Core kinds whose names a pod-bearing CRD reuses (Knative's Service): not workloads by name alone. */
const CORE_NAMES = new Set(["Service"]);

/** The kind names of the well-known pod-bearing CRDs (Rollout, CloneSet, …). */
export const KNOWN_CRD_KINDS = [
  ...new Set(Object.keys(KNOWN_CRD_POD_SPEC_PATHS).map((k) => k.split("/")[1])),
].filter((k) => !CORE_NAMES.has(k));

/**
 * Whether a kind is a known pod-bearing kind: built-in or a well-known CRD. With the API group
 * (an AdmissionReview's `request.kind.group`) the match is exact; by name alone, kinds that a
 * core kind also uses (Knative's Service) are not counted.
 */
export function isWorkloadKind(kind: unknown, group?: string): boolean {
  if (typeof kind !== "string") return false;
  if (group !== undefined) {
    return (
      (kind in BUILTIN_POD_SPEC_PATHS && BUILTIN_GROUPS.has(group)) ||
      `${group}/${kind}` in KNOWN_CRD_POD_SPEC_PATHS
    );
  }
  return kind in BUILTIN_POD_SPEC_PATHS || KNOWN_CRD_KINDS.includes(kind);
}

function apiGroup(apiVersion: unknown): string | undefined {
  if (typeof apiVersion !== "string") return undefined;
  const slash = apiVersion.indexOf("/");
  return slash < 0 ? "" : apiVersion.slice(0, slash);
}

/** Where the pod spec of this object is, and how that was known. */
function podSpecLocation(
  value: JsonObject,
): { path: readonly string[]; source: WorkloadKindSource } | undefined {
  const kind = value.kind;
  if (typeof kind !== "string") return undefined;
  const group = apiGroup(value.apiVersion);
  const builtin = BUILTIN_POD_SPEC_PATHS[kind];
  if (builtin && (group === undefined || BUILTIN_GROUPS.has(group)))
    return { path: builtin, source: "builtin" };
  const crd =
    group !== undefined
      ? KNOWN_CRD_POD_SPEC_PATHS[`${group}/${kind}`]
      : // No apiVersion (a fragment, an AdmissionReview object without one): the kind decides.
        Object.entries(KNOWN_CRD_POD_SPEC_PATHS).find(([k]) => k.endsWith(`/${kind}`))?.[1];
  if (crd) return { path: crd, source: "known-crd" };
  if (builtin) return { path: builtin, source: "builtin" };
  // Unknown kinds (CRDs) with a pod template: spec.template.spec with containers.
  const candidate = valueAt(value, TEMPLATE as unknown as FieldPath);
  if (isObject(candidate) && Array.isArray(candidate.containers))
    return { path: TEMPLATE, source: "inferred" };
  return undefined;
}

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

/** The kind, apiVersion, namespace and name of an object (`generateName*` when unnamed). */
export function objectRefOf(value: JsonObject): ObjectRef {
  const meta = isObject(value.metadata) ? value.metadata : {};
  const ref: ObjectRef = { kind: typeof value.kind === "string" ? value.kind : String(value.kind ?? "") };
  if (typeof value.apiVersion === "string") ref.apiVersion = value.apiVersion;
  if (typeof meta.namespace === "string" && meta.namespace) ref.namespace = meta.namespace;
  if (typeof meta.name === "string") ref.name = meta.name;
  else if (typeof meta.generateName === "string") ref.name = `${meta.generateName}*`;
  return ref;
}

function makeObject(document: ManifestDocument, path: FieldPath, value: JsonObject): K8sObject {
  const meta = isObject(value.metadata) ? value.metadata : {};
  return { document, path, value, ref: objectRefOf(value), annotations: stringMap(meta.annotations) };
}

function stringMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (!isObject(v)) return out;
  for (const [k, val] of Object.entries(v)) if (typeof val === "string") out[k] = val;
  return out;
}

/** Read a value at a path below a root (undefined when absent). */
export function valueAt(root: unknown, path: FieldPath): unknown {
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

const SUBJECT: Record<ContainerGroup, string> = {
  containers: "container",
  initContainers: "init container",
  ephemeralContainers: "ephemeral container",
};

/** "container app", "init container setup", "ephemeral container debug". */
export function describeContainer(c: ContainerInfo): string {
  return `${SUBJECT[c.group]} ${c.name}`;
}

function containersOf(podSpec: JsonObject, specPath: FieldPath): ContainerInfo[] {
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
  return containers;
}

function containerSite(c: ContainerInfo): ImageSite {
  const raw = c.spec.image;
  const pull = c.spec.imagePullPolicy;
  return {
    kind: "container",
    group: c.group,
    index: c.index,
    name: c.name,
    subject: describeContainer(c),
    raw,
    image: typeof raw === "string" ? raw : "",
    path: [...c.path, "image"],
    pullPolicyPath: [...c.path, "imagePullPolicy"],
    pullPolicy: typeof pull === "string" ? pull : undefined,
    container: c,
  };
}

/** The image volumes of a pod spec (`volumes[i].image`), as image sites. */
function imageVolumeSites(podSpec: JsonObject, specPath: FieldPath): ImageSite[] {
  const out: ImageSite[] = [];
  const volumes = podSpec.volumes;
  if (!Array.isArray(volumes)) return out;
  volumes.forEach((v, index) => {
    if (!isObject(v) || !isObject(v.image)) return;
    const name = typeof v.name === "string" && v.name !== "" ? v.name : `volumes[${index}]`;
    const raw = v.image.reference;
    const pull = v.image.pullPolicy;
    const path = [...specPath, "volumes", index, "image"];
    out.push({
      kind: "imageVolume",
      group: "volumes",
      index,
      name,
      subject: `image volume ${name}`,
      raw,
      image: typeof raw === "string" ? raw : "",
      path: [...path, "reference"],
      pullPolicyPath: [...path, "pullPolicy"],
      pullPolicy: typeof pull === "string" ? pull : undefined,
    });
  });
  return out;
}

/** The pod model of a plain object (as parsed JSON/YAML), or undefined when it carries no pod spec. */
export function podOf(value: unknown): PodModel | undefined {
  if (!isObject(value)) return undefined;
  const where = podSpecLocation(value);
  if (!where) return undefined;
  const specPath = [...where.path];
  const podSpec = valueAt(value, specPath);
  if (!isObject(podSpec)) return undefined;
  const isPod = where.path.length === 1;
  const podMetadataPath = isPod ? ["metadata"] : [...specPath.slice(0, -1), "metadata"];
  const meta = valueAt(value, podMetadataPath);
  const podMetadata = isObject(meta) ? meta : {};
  const containers = containersOf(podSpec, specPath);
  const sa = podSpec.serviceAccountName || podSpec.serviceAccount;
  const model: PodModel = {
    kindSource: where.source,
    podSpecPath: specPath,
    podSpec,
    podMetadataPath,
    podMetadata,
    podAnnotations: stringMap(podMetadata.annotations),
    containers,
    images: [...containers.map(containerSite), ...imageVolumeSites(podSpec, specPath)],
    serviceAccountName: typeof sa === "string" && sa ? sa : "default",
  };
  if (where.source === "inferred") {
    model.note = `${String(value.kind)} is not a known workload kind; its spec.template.spec was read as a pod template`;
  }
  return model;
}

/** The workload view of an object from the input, or undefined when it carries no pod spec. */
export function workloadOf(object: K8sObject): Workload | undefined {
  const pod = podOf(object.value);
  return pod ? { object, ...pod } : undefined;
}
