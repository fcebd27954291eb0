/**
 * Finding the pod inside a workload object: a Pod's own metadata and spec, a PodTemplate's
 * `template`, a CronJob's `spec.jobTemplate.spec.template`, and `spec.template` for every other
 * kind (Deployment, ReplicaSet, StatefulSet, DaemonSet, Job, ReplicationController, and unknown
 * kinds such as Argo Rollouts that follow the same shape). Not for deciding which objects a linter
 * should visit: anything without a pod spec yields undefined.
 */
import { asObject, listContainers } from "./pod-model.js";
import type { FieldPath, JsonObject, PodUnderTest } from "./types.js";

const EMPTY: JsonObject = Object.freeze({}) as JsonObject;

function templateAt(root: JsonObject, path: FieldPath): PodUnderTest | undefined {
  let cur: unknown = root;
  for (const k of path) cur = asObject(cur)?.[k as string];
  const template = asObject(cur);
  const spec = asObject(template?.spec);
  if (!template || !spec) return undefined;
  const specPath = [...path, "spec"];
  return {
    root,
    metadata: asObject(template.metadata) ?? EMPTY,
    metadataPath: [...path, "metadata"],
    spec,
    specPath,
    containers: listContainers(spec, specPath),
  };
}

/** The pod template (metadata + spec) of a workload object, or undefined when it has none. */
export function locatePodTemplate(obj: unknown): PodUnderTest | undefined {
  const root = asObject(obj);
  if (!root) return undefined;
  switch (root.kind) {
    case "Pod": {
      const spec = asObject(root.spec);
      if (!spec) return undefined;
      return {
        root,
        metadata: asObject(root.metadata) ?? EMPTY,
        metadataPath: ["metadata"],
        spec,
        specPath: ["spec"],
        containers: listContainers(spec, ["spec"]),
      };
    }
    case "PodTemplate":
      return templateAt(root, ["template"]);
    case "CronJob":
      return templateAt(root, ["spec", "jobTemplate", "spec", "template"]);
    default:
      return templateAt(root, ["spec", "template"]);
  }
}
