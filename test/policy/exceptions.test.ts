/**
 * Exceptions apply only to what the API server vouches for (issue 15 item 1): the reviewed
 * workload itself, and a pod only through a controlling owner when the request comes from that
 * owner's controller. A pod that writes ownerReferences itself claims nothing.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { evaluatePolicy } from "../../src/policy/engine.js";
import { ImageInspector } from "../../src/policy/inspector.js";
import { parsePolicy } from "../../src/policy/load.js";
import { type AdmissionRequest, validateReview } from "../../src/webhook/admission.js";

const POLICY = parsePolicy(`
apiVersion: portcullis.dev/v1alpha1
kind: ImagePolicy
spec:
  rules:
    allowedRegistries: { patterns: ["ghcr.io/acme/**"] }
  exceptions:
    - workload: { kind: Deployment, namespace: legacy, name: billing }
      checks: [image-registry-not-allowed]
      reason: vendor image, ticket OPS-9
      expires: "2099-12-31"
    - workload: { kind: CronJob, namespace: legacy, name: nightly }
      checks: [image-registry-not-allowed]
      reason: vendor image, ticket OPS-10
      expires: "2099-12-31"
`).policy;

const RS_CONTROLLER = "system:serviceaccount:kube-system:replicaset-controller";
const JOB_CONTROLLER = "system:serviceaccount:kube-system:job-controller";

function billingPod(owner: Record<string, unknown> = { controller: true }): {
  metadata: Record<string, unknown> & { ownerReferences: Record<string, unknown>[] };
} & Record<string, unknown> {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name: "billing-7d9f-xk2",
      namespace: "legacy",
      labels: { "pod-template-hash": "7d9f" },
      ownerReferences: [{ apiVersion: "apps/v1", kind: "ReplicaSet", name: "billing-7d9f", ...owner }],
    },
    spec: { containers: [{ name: "app", image: "evil.example/miner:1" }] },
  };
}

const rt = () => ({
  policy: POLICY,
  inspector: new ImageInspector({
    resolveDigest: async () => {
      throw new Error("no look-ups in this test");
    },
  }),
  namespaceLabels: new Map<string, Record<string, string>>(),
});

function review(obj: Record<string, unknown>, username: string): AdmissionRequest {
  return {
    uid: `x-${username}`,
    kind: { group: "", version: "v1", kind: String(obj.kind) },
    namespace: "legacy",
    operation: "CREATE",
    userInfo: { username },
    object: obj,
  };
}

describe("exceptions and ownerReferences", () => {
  it("a pod with forged ownerReferences created by a user does not get its claimed Deployment's exception", async () => {
    const e = evaluatePolicy(POLICY, billingPod(), { requester: { username: "alice" } });
    assert.equal(e.allowed, false);
    assert.equal(e.decisions[0]?.waived, undefined);
    const out = await validateReview(rt(), review(billingPod(), "alice"), AbortSignal.timeout(5000));
    assert.equal(out.response.allowed, false);
  });

  it("owner references are not trusted when nobody vouches for the requester (check)", () => {
    assert.equal(evaluatePolicy(POLICY, billingPod()).allowed, false);
  });

  it("a pod created by the ReplicaSet controller for the Deployment's ReplicaSet gets the exception", async () => {
    const e = evaluatePolicy(POLICY, billingPod(), { requester: { username: RS_CONTROLLER } });
    assert.equal(e.allowed, true);
    assert.equal(e.decisions[0]?.waived?.reason, "vendor image, ticket OPS-9");
    const out = await validateReview(rt(), review(billingPod(), RS_CONTROLLER), AbortSignal.timeout(5000));
    assert.equal(out.response.allowed, true);
  });

  it("the controller manager's own identity vouches for its controllers' pods", () => {
    const e = evaluatePolicy(POLICY, billingPod(), {
      requester: { username: "system:kube-controller-manager" },
    });
    assert.equal(e.allowed, true);
  });

  it("a non-controlling owner reference is not trusted even from the controller", () => {
    const e = evaluatePolicy(POLICY, billingPod({ controller: false }), {
      requester: { username: RS_CONTROLLER },
    });
    assert.equal(e.allowed, false);
  });

  it("the job controller vouches for a Job owner, not for a ReplicaSet owner", () => {
    assert.equal(
      evaluatePolicy(POLICY, billingPod(), { requester: { username: JOB_CONTROLLER } }).allowed,
      false,
    );
    const pod = billingPod();
    pod.metadata.ownerReferences = [
      { apiVersion: "batch/v1", kind: "Job", name: "nightly-29001", controller: true },
    ];
    assert.equal(evaluatePolicy(POLICY, pod, { requester: { username: JOB_CONTROLLER } }).allowed, true);
    assert.equal(evaluatePolicy(POLICY, pod, { requester: { username: "alice" } }).allowed, false);
  });

  it("the Deployment reviewed itself gets its exception whoever creates it", () => {
    const deployment = {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "billing", namespace: "legacy" },
      spec: { template: { spec: { containers: [{ name: "app", image: "evil.example/miner:1" }] } } },
    };
    assert.equal(evaluatePolicy(POLICY, deployment, { requester: { username: "alice" } }).allowed, true);
  });
});
