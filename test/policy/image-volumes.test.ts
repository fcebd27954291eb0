/**
 * Image volumes (`spec.volumes[].image.reference`, Kubernetes 1.31+) are images for every image
 * rule (issue 15 item 2): the policy engine, the look-ups, `lint k8s`, `check` and /mutate's
 * pinning all see them, located at the reference.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { runCheck } from "../../src/check/run.js";
import { parseManifests } from "../../src/k8s/load.js";
import { podOf } from "../../src/k8s/workload.js";
import { lintManifests } from "../../src/lint/k8s/engine.js";
import { evaluatePolicy, workloadImages } from "../../src/policy/engine.js";
import { ImageInspector } from "../../src/policy/inspector.js";
import { parsePolicy } from "../../src/policy/load.js";
import { computePatch } from "../../src/webhook/mutate.js";

const DIGEST = `sha256:${"c".repeat(64)}`;
const GOOD = `ghcr.io/acme/app:1.0@${DIGEST}`;

const POLICY = parsePolicy(`
apiVersion: portcullis.dev/v1alpha1
kind: ImagePolicy
spec:
  rules:
    allowedRegistries: { patterns: ["ghcr.io/acme/**"] }
    forbidLatest: {}
    requireDigest: {}
  mutation:
    pinDigests: true
`).policy;

function podWithVolume(reference: string) {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "p", namespace: "apps" },
    spec: {
      containers: [{ name: "app", image: GOOD }],
      volumes: [{ name: "models", image: { reference, pullPolicy: "IfNotPresent" } }],
    },
  };
}

describe("image volumes are images", () => {
  it("the workload model lists an image volume as an image site at its reference", () => {
    const pod = podOf(podWithVolume("evil.example/weights:latest"));
    const site = pod?.images.find((s) => s.kind === "imageVolume");
    assert.deepEqual(site?.path, ["spec", "volumes", 0, "image", "reference"]);
    assert.equal(site?.subject, "image volume models");
    assert.equal(site?.pullPolicy, "IfNotPresent");
    assert.deepEqual(workloadImages(podWithVolume("x/y:1")), [GOOD, "x/y:1"]);
  });

  it("an image volume from an unlisted registry is denied by the policy, as a container image is", () => {
    const e = evaluatePolicy(POLICY, podWithVolume("evil.example/weights:latest"));
    assert.equal(e.allowed, false);
    const rules = e.decisions.map((d) => d.rule).sort();
    assert.deepEqual(rules, ["image-no-digest", "image-registry-not-allowed", "image-tag-latest"]);
    for (const d of e.decisions) {
      assert.deepEqual(d.path, ["spec", "volumes", 0, "image", "reference"]);
      assert.match(d.message, /^image volume models uses image evil\.example\/weights:latest/);
    }
  });

  it("an invalid image volume reference is image-reference-invalid", () => {
    const e = evaluatePolicy(POLICY, podWithVolume("Evil/UPPER"));
    assert.deepEqual(
      e.decisions.map((d) => d.rule),
      ["image-reference-invalid"],
    );
  });

  it("lint k8s reports an image volume's latest tag at the reference's line", () => {
    const text = `apiVersion: v1
kind: Pod
metadata: { name: p }
spec:
  containers:
    - name: app
      image: ${GOOD}
  volumes:
    - name: models
      image:
        reference: ghcr.io/acme/weights
`;
    const r = lintManifests(parseManifests([{ file: "v.yaml", text }]));
    const f = r.findings.find((x) => x.rule === "image-tag-latest");
    assert.ok(f, JSON.stringify(r.findings.map((x) => x.rule)));
    assert.equal(f.location?.line, 11);
    assert.equal(f.image, "ghcr.io/acme/weights");
    assert.match(f.message, /^image volume models uses image ghcr\.io\/acme\/weights without a tag/);
  });

  it("check locates an image volume's decision at its reference", async () => {
    const { report } = await runCheck({
      policy: { policy: POLICY, source: "<inline>", baseDir: "." },
      paths: ["-"],
      readStdin: () =>
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: app, image: 'ghcr.io/acme/app:1.0@sha256:" +
        "c".repeat(64) +
        "'}]\n  volumes:\n    - name: data\n      image: {reference: 'evil.example/x:1'}\n",
    });
    const f = report.findings.find((x) => x.rule === "image-registry-not-allowed");
    assert.equal(f?.location?.line, 8);
  });

  it("/mutate pins an image volume's reference to its digest", async () => {
    const seen: string[] = [];
    const inspector = new ImageInspector({
      resolveDigest: async (ref) => {
        seen.push(ref.familiar());
        return DIGEST;
      },
    });
    const { ops } = await computePatch(
      POLICY,
      podWithVolume("ghcr.io/acme/weights:2"),
      inspector,
      AbortSignal.timeout(5000),
    );
    assert.deepEqual(seen, ["ghcr.io/acme/weights:2"]);
    assert.deepEqual(ops, [
      { op: "replace", path: "/spec/volumes/0/image/reference", value: `ghcr.io/acme/weights:2@${DIGEST}` },
    ]);
  });
});
