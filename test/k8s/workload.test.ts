/**
 * The one workload model (src/k8s/workload.ts): where each pod-bearing kind keeps its pod spec,
 * every image site (containers, init, ephemeral, image volumes) with its path, well-known CRDs
 * by group, and unknown kinds with a pod template read with a note.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseManifests } from "../../src/k8s/load.js";
import { locate } from "../../src/k8s/source.js";
import { isWorkloadKind, objectsOf, podOf, workloadOf } from "../../src/k8s/workload.js";

const spec = { containers: [{ name: "app", image: "a:1" }] };
const tpl = { template: { metadata: { annotations: { x: "y" } }, spec } };

describe("the workload model", () => {
  const table: [string, Record<string, unknown>, (string | number)[]][] = [
    ["Pod", { apiVersion: "v1", kind: "Pod", spec }, ["spec"]],
    ["PodTemplate", { apiVersion: "v1", kind: "PodTemplate", ...tpl }, ["template", "spec"]],
    ["Deployment", { apiVersion: "apps/v1", kind: "Deployment", spec: tpl }, ["spec", "template", "spec"]],
    ["ReplicaSet", { apiVersion: "apps/v1", kind: "ReplicaSet", spec: tpl }, ["spec", "template", "spec"]],
    ["StatefulSet", { apiVersion: "apps/v1", kind: "StatefulSet", spec: tpl }, ["spec", "template", "spec"]],
    ["DaemonSet", { apiVersion: "apps/v1", kind: "DaemonSet", spec: tpl }, ["spec", "template", "spec"]],
    ["Job", { apiVersion: "batch/v1", kind: "Job", spec: tpl }, ["spec", "template", "spec"]],
    [
      "CronJob",
      { apiVersion: "batch/v1", kind: "CronJob", spec: { jobTemplate: { spec: tpl } } },
      ["spec", "jobTemplate", "spec", "template", "spec"],
    ],
    [
      "ReplicationController",
      { apiVersion: "v1", kind: "ReplicationController", spec: tpl },
      ["spec", "template", "spec"],
    ],
    [
      "Argo Rollout",
      { apiVersion: "argoproj.io/v1alpha1", kind: "Rollout", spec: tpl },
      ["spec", "template", "spec"],
    ],
    ["Knative Revision", { apiVersion: "serving.knative.dev/v1", kind: "Revision", spec }, ["spec"]],
  ];
  for (const [name, obj, path] of table) {
    it(`finds the pod spec of a ${name} at ${path.join(".")}`, () => {
      const pod = podOf(obj);
      assert.ok(pod);
      assert.deepEqual(pod.podSpecPath, path);
      assert.deepEqual(pod.images[0]?.path, [...path, "containers", 0, "image"]);
      assert.equal(pod.note, undefined);
    });
  }

  it("every built-in kind and the known CRD kinds are workload kinds; Service and ConfigMap are not", () => {
    for (const k of ["Pod", "CronJob", "PodTemplate", "Rollout", "CloneSet"]) assert.ok(isWorkloadKind(k), k);
    for (const k of ["Service", "ConfigMap", "Namespace"]) assert.ok(!isWorkloadKind(k), k);
    assert.ok(isWorkloadKind("Service", "serving.knative.dev"));
    assert.ok(!isWorkloadKind("Service", ""));
    assert.ok(!isWorkloadKind("Deployment", "example.com"));
  });

  it("a core Service is not a Knative Service", () => {
    assert.equal(podOf({ apiVersion: "v1", kind: "Service", spec: { ports: [] } }), undefined);
    assert.ok(podOf({ apiVersion: "serving.knative.dev/v1", kind: "Service", spec: tpl }));
  });

  it("an unknown kind with spec.template.spec containers is read the same way, with a note", () => {
    const pod = podOf({ apiVersion: "example.com/v1", kind: "Widget", spec: tpl });
    assert.equal(pod?.kindSource, "inferred");
    assert.match(pod?.note ?? "", /Widget is not a known workload kind/);
    assert.equal(
      podOf({ apiVersion: "example.com/v1", kind: "Widget", spec: { template: { spec: {} } } }),
      undefined,
    );
  });

  it("lists containers, init, ephemeral and image volumes as image sites, with their lines", () => {
    const text = `apiVersion: v1
kind: Pod
metadata: { name: p }
spec:
  initContainers:
    - name: init
      image: i:1
  containers:
    - name: app
      image: a:1
      imagePullPolicy: Always
  ephemeralContainers:
    - name: dbg
      image: e:1
  volumes:
    - name: cfg
      configMap: { name: c }
    - name: data
      image:
        reference: v:1
        pullPolicy: IfNotPresent
`;
    const [doc] = parseManifests([{ file: "p.yaml", text }]).sources[0].documents;
    const w = workloadOf(objectsOf(doc)[0]);
    assert.ok(w);
    assert.deepEqual(
      w.images.map((s) => `${s.subject} ${s.image} ${s.pullPolicy ?? "-"} line ${locate(doc, s.path).line}`),
      [
        "container app a:1 Always line 10",
        "init container init i:1 - line 7",
        "ephemeral container dbg e:1 - line 14",
        "image volume data v:1 IfNotPresent line 20",
      ],
    );
  });
});
