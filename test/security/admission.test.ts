/**
 * Adversarial tests of admission (issue 7): what the webhook trusts in an AdmissionReview and
 * what the manifests of `webhook install` make the API server send it. Each test is an attack;
 * the assertion is the guarantee. Transport-free (validateReview / mutateReview and the
 * install output), no registry needed: the policy's rules here need no look-ups.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseAllDocuments } from "yaml";
import { ImageInspector } from "../../src/policy/inspector.js";
import { parsePolicy } from "../../src/policy/load.js";
import {
  type AdmissionRequest,
  mutateReview,
  type PolicyRuntime,
  parseAdmissionReview,
  validateReview,
} from "../../src/webhook/admission.js";
import { installManifests } from "../../src/webhook/install.js";

const POLICY = `
apiVersion: portcullis.dev/v1alpha1
kind: ImagePolicy
spec:
  rules:
    allowedRegistries: { patterns: ["ghcr.io/acme/**"] }
    forbidLatest: {}
  exemptions:
    namespaces: [kube-system]
    serviceAccounts: [ci/image-builder]
`;

const SELECTED_POLICY = `
apiVersion: portcullis.dev/v1alpha1
kind: ImagePolicy
spec:
  namespaceSelector:
    matchLabels: { portcullis.dev/enforce: "true" }
  rules:
    allowedRegistries: { patterns: ["ghcr.io/acme/**"] }
`;

function runtime(text = POLICY, labels: Record<string, Record<string, string>> = {}): PolicyRuntime {
  return {
    policy: parsePolicy(text).policy,
    // No resolver is ever reached: these policies need no look-ups.
    inspector: new ImageInspector({
      resolveDigest: async () => {
        throw new Error("no registry in this test");
      },
    }),
    namespaceLabels: new Map(Object.entries(labels)),
  };
}

let n = 0;
function request(
  obj: Record<string, unknown> | null,
  extra: Partial<AdmissionRequest> & { kindName?: string } = {},
): AdmissionRequest {
  const { kindName, ...rest } = extra;
  return {
    uid: `sec-${++n}`,
    kind: { group: "", version: "v1", kind: kindName ?? String(obj?.kind ?? "Pod") },
    namespace: "prod",
    operation: "CREATE",
    object: obj,
    ...rest,
  };
}

function pod(image: string, extra: Record<string, unknown> = {}, md: Record<string, unknown> = {}) {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "p", ...md },
    spec: { containers: [{ name: "app", image }], ...extra },
  };
}

const signal = new AbortController().signal;
const EVIL = "docker.io/evil/miner:1.0";
const GOOD = "ghcr.io/acme/app:1.0";

describe("admission: what is trusted in the request", () => {
  it("control: an image outside the allow-list is denied, an allowed one admitted", async () => {
    const rt = runtime();
    assert.equal((await validateReview(rt, request(pod(EVIL)), signal)).response.allowed, false);
    assert.equal((await validateReview(rt, request(pod(GOOD)), signal)).response.allowed, true);
  });

  it("namespace exemption cannot be spoofed through object.metadata.namespace", async () => {
    // The API server stores the object in request.namespace; the object's own field is not the authority.
    const rt = runtime();
    const out = await validateReview(rt, request(pod(EVIL, {}, { namespace: "kube-system" })), signal);
    assert.equal(out.response.allowed, false, "an object claiming kube-system in namespace prod");
    assert.match(out.response.status?.message ?? "", /prod/);
  });

  it("service-account exemption applies only to that namespace's account", async () => {
    const rt = runtime();
    // ci/image-builder is exempt; the same name in prod is not.
    const spoof = await validateReview(
      rt,
      request(pod(EVIL, { serviceAccountName: "image-builder" })),
      signal,
    );
    assert.equal(spoof.response.allowed, false);
    const real = await validateReview(
      rt,
      request(pod(EVIL, { serviceAccountName: "image-builder" }), { namespace: "ci" }),
      signal,
    );
    assert.equal(real.response.allowed, true, "the documented exemption still works");
    // The deprecated alias cannot name an exempt account while serviceAccountName names another.
    const alias = await validateReview(
      rt,
      request(pod(EVIL, { serviceAccountName: "default", serviceAccount: "image-builder" }), {
        namespace: "ci",
      }),
      signal,
    );
    assert.equal(alias.response.allowed, false);
  });

  it("images in initContainers and ephemeralContainers are checked", async () => {
    const rt = runtime();
    const init = pod(GOOD, { initContainers: [{ name: "i", image: EVIL }] });
    assert.equal((await validateReview(rt, request(init), signal)).response.allowed, false);
    const eph = pod(GOOD, { ephemeralContainers: [{ name: "debugger", image: EVIL }] });
    // kubectl debug: UPDATE of the pods/ephemeralcontainers subresource.
    const out = await validateReview(
      rt,
      request(eph, { operation: "UPDATE", subResource: "ephemeralcontainers", oldObject: pod(GOOD) }),
      signal,
    );
    assert.equal(out.response.allowed, false);
    assert.match(out.response.status?.message ?? "", /ephemeral container debugger/);
  });

  it("workload templates are checked: Deployment, CronJob, PodTemplate", async () => {
    const rt = runtime();
    const spec = { containers: [{ name: "app", image: EVIL }] };
    const objects = [
      { apiVersion: "apps/v1", kind: "Deployment", metadata: { name: "d" }, spec: { template: { spec } } },
      {
        apiVersion: "batch/v1",
        kind: "CronJob",
        metadata: { name: "c" },
        spec: { schedule: "* * * * *", jobTemplate: { spec: { template: { spec } } } },
      },
      { apiVersion: "v1", kind: "PodTemplate", metadata: { name: "t" }, template: { spec } },
    ];
    for (const o of objects)
      assert.equal((await validateReview(rt, request(o), signal)).response.allowed, false, o.kind);
  });

  it("an UPDATE that only changes the image is checked like a CREATE", async () => {
    const rt = runtime();
    const out = await validateReview(
      rt,
      request(pod(EVIL), { operation: "UPDATE", oldObject: pod(GOOD) }),
      signal,
    );
    assert.equal(out.response.allowed, false);
  });

  it("dryRun gets the same verdict as a real request", async () => {
    const rt = runtime();
    const out = await validateReview(rt, request(pod(EVIL), { dryRun: true }), signal);
    assert.equal(out.response.allowed, false);
  });

  it("request.kind is what decides the kind, not object.kind", async () => {
    // A Pod review whose object claims to be a ConfigMap must still be checked as a Pod.
    const rt = runtime();
    const obj = { ...pod(EVIL), kind: "ConfigMap" };
    const out = await validateReview(rt, request(obj, { kindName: "Pod" }), signal);
    assert.equal(out.response.allowed, false);
  });

  it("an unknown kind is allowed (documented) and says so", async () => {
    const rt = runtime();
    const out = await validateReview(
      rt,
      request({ apiVersion: "v1", kind: "ConfigMap", metadata: { name: "x" } }),
      signal,
    );
    assert.equal(out.response.allowed, true);
    assert.equal(out.decision, "skipped");
    assert.match(out.note ?? "", /unknown kind ConfigMap/);
  });

  it("CREATE/UPDATE without request.object is malformed (400), not allowed", () => {
    const review = (req: Record<string, unknown>) => ({
      apiVersion: "admission.k8s.io/v1",
      kind: "AdmissionReview",
      request: { uid: "u", kind: { kind: "Pod" }, operation: "CREATE", ...req },
    });
    assert.throws(() => parseAdmissionReview(review({})), /request\.object is missing for CREATE/);
    assert.throws(
      () => parseAdmissionReview(review({ operation: "UPDATE", oldObject: pod(GOOD) })),
      /request\.object is missing for UPDATE/,
    );
    assert.throws(() => parseAdmissionReview(review({ object: [] })), /not an object/);
  });

  it("the response always echoes the request uid, denied or allowed", async () => {
    const rt = runtime();
    for (const obj of [pod(EVIL), pod(GOOD), { apiVersion: "v1", kind: "Secret", metadata: {} }]) {
      const req = request(obj);
      const out = await validateReview(rt, req, signal);
      assert.equal(out.response.uid, req.uid);
    }
  });
});

describe("admission: namespace selection when the webhook does not know the labels", () => {
  it("a namespace the API server selected is governed even when its labels are unknown here", async () => {
    // `webhook install` copies spec.namespaceSelector into the webhook configuration, so the API
    // server only sends reviews of selected namespaces; the pod has no way to read labels.
    const rt = runtime(SELECTED_POLICY);
    const out = await validateReview(rt, request(pod(EVIL)), signal);
    assert.equal(out.response.allowed, false, "fail open: the unknown namespace was treated as unselected");
  });

  it("known labels still decide: a namespace known not to match is not governed", async () => {
    const rt = runtime(SELECTED_POLICY, { prod: { team: "x" } });
    const out = await validateReview(rt, request(pod(EVIL)), signal);
    assert.equal(out.response.allowed, true);
    const rt2 = runtime(SELECTED_POLICY, { prod: { "portcullis.dev/enforce": "true" } });
    assert.equal((await validateReview(rt2, request(pod(EVIL)), signal)).response.allowed, false);
  });
});

describe("admission: webhook install registers what can start containers", async () => {
  const docs = parseAllDocuments(
    await installManifests({ policyText: POLICY, policy: parsePolicy(POLICY).policy }),
  ).map((d) => d.toJS() as Record<string, unknown>);
  const validating = docs.find((d) => d.kind === "ValidatingWebhookConfiguration") as {
    webhooks: {
      failurePolicy: string;
      rules: { apiGroups: string[]; resources: string[]; operations: string[] }[];
    }[];
  };

  it("the validating webhook sees pods/ephemeralcontainers (kubectl debug)", () => {
    const resources = validating.webhooks.flatMap((w) =>
      w.rules.filter((r) => r.apiGroups.includes("")).flatMap((r) => r.resources),
    );
    assert.ok(resources.includes("pods"));
    assert.ok(
      resources.includes("pods/ephemeralcontainers") || resources.includes("pods/*"),
      `ephemeral containers bypass the webhook: resources are ${resources.join(", ")}`,
    );
  });

  it("the validating webhook fails closed and covers CREATE and UPDATE of every workload", () => {
    for (const w of validating.webhooks) assert.equal(w.failurePolicy, "Fail");
    const resources = validating.webhooks.flatMap((w) =>
      w.rules.filter((r) => r.operations.includes("CREATE") && r.operations.includes("UPDATE")),
    );
    const all = resources.flatMap((r) => r.resources);
    for (const r of [
      "pods",
      "podtemplates",
      "replicationcontrollers",
      "deployments",
      "replicasets",
      "statefulsets",
      "daemonsets",
      "jobs",
      "cronjobs",
    ])
      assert.ok(all.includes(r), r);
  });
});

describe("admission: mutation", () => {
  it("the ephemeralcontainers subresource is not patched (the API server would reject it) and not denied", async () => {
    const rt = runtime(`${POLICY}  mutation: { imagePullPolicy: Always }\n`);
    const out = await mutateReview(
      rt,
      request(pod(GOOD, { ephemeralContainers: [{ name: "d", image: EVIL }] }), {
        operation: "UPDATE",
        subResource: "ephemeralcontainers",
      }),
      signal,
    );
    assert.equal(out.response.allowed, true);
    assert.equal(out.response.patch, undefined);
  });

  it("JSON pointers escape '~' and '/' (RFC 6901)", async () => {
    const rt = runtime(`${POLICY}  mutation: { imagePullPolicy: Always }\n`);
    const out = await mutateReview(rt, request(pod(`${GOOD}@sha256:${"a".repeat(64)}`)), signal);
    const ops = JSON.parse(Buffer.from(out.response.patch ?? "", "base64").toString()) as {
      path: string;
    }[];
    assert.deepEqual(
      ops.map((o) => o.path),
      ["/spec/containers/0/imagePullPolicy"],
    );
  });
});

describe("admission: the webhook contacts only registries the policy allows", () => {
  const LOOKUP_POLICY = `${POLICY.replace("forbidLatest: {}", "forbidLatest: {}\n    vulnerabilities: { maxSeverity: high }")}  mutation: { pinDigests: true }\n`;

  function recordingRuntime(): { rt: PolicyRuntime; asked: string[] } {
    const asked: string[] = [];
    const rt = runtime(LOOKUP_POLICY);
    rt.inspector = new ImageInspector({
      resolveDigest: async (ref) => {
        asked.push(ref.name);
        return `sha256:${"c".repeat(64)}`;
      },
    });
    return { rt, asked };
  }

  it("validation: an image from a registry outside the enforced allow-list is not looked up", async () => {
    const { rt, asked } = recordingRuntime();
    const internal = "169.254.169.254/latest/meta-data:1";
    const out = await validateReview(
      rt,
      request(pod(GOOD, { initContainers: [{ name: "i", image: internal }] })),
      signal,
    );
    assert.equal(out.response.allowed, false);
    assert.deepEqual(asked, ["ghcr.io/acme/app"], `contacted: ${asked.join(", ")}`);
    assert.match(out.response.status?.message ?? "", /allowed-registr|not allowed/);
  });

  it("mutation: such an image is not resolved for pinning either", async () => {
    const { rt, asked } = recordingRuntime();
    const out = await mutateReview(rt, request(pod(EVIL)), signal);
    assert.equal(out.response.allowed, true);
    assert.deepEqual(asked, []);
    assert.equal(out.response.patch, undefined);
    await mutateReview(rt, request(pod(GOOD)), signal);
    assert.deepEqual(asked, ["ghcr.io/acme/app"]);
  });
});

describe("admission: namespace labels learnt from Namespace reviews", () => {
  const MODE_POLICY = `${POLICY}  namespaceModeLabel: true\n`;
  const ns = (labels: Record<string, string>) => ({
    apiVersion: "v1",
    kind: "Namespace",
    metadata: { name: "prod", labels },
  });

  it("a CREATE of an existing namespace (it will fail with AlreadyExists) cannot soften it", async () => {
    const rt = runtime(MODE_POLICY, { prod: {} });
    await validateReview(rt, request(ns({ "portcullis.dev/mode": "audit" }), { namespace: "" }), signal);
    assert.deepEqual(rt.namespaceLabels.get("prod"), {});
    assert.equal((await validateReview(rt, request(pod(EVIL)), signal)).response.allowed, false);
  });

  it("a dry-run UPDATE is not learnt; a real UPDATE's labels count once stored (the next oldObject)", async () => {
    const rt = runtime(MODE_POLICY, { prod: {} });
    const upd = { operation: "UPDATE", namespace: "", oldObject: ns({}) };
    await validateReview(
      rt,
      request(ns({ "portcullis.dev/mode": "audit" }), { ...upd, dryRun: true }),
      signal,
    );
    assert.equal((await validateReview(rt, request(pod(EVIL)), signal)).response.allowed, false);
    // The requested labels are not believed: a later webhook may still refuse the UPDATE.
    await validateReview(rt, request(ns({ "portcullis.dev/mode": "audit" }), upd), signal);
    assert.equal((await validateReview(rt, request(pod(EVIL)), signal)).response.allowed, false);
    // The next UPDATE's oldObject is what the API server stored: now they count.
    const stored = { operation: "UPDATE", namespace: "", oldObject: ns({ "portcullis.dev/mode": "audit" }) };
    await validateReview(rt, request(ns({ "portcullis.dev/mode": "audit", x: "1" }), stored), signal);
    assert.equal((await validateReview(rt, request(pod(EVIL)), signal)).response.allowed, true);
  });

  it("after a restart, a CREATE of an existing namespace with the audit label cannot soften it", async () => {
    const rt = runtime(MODE_POLICY); // nothing known: the webhook just started
    await validateReview(rt, request(ns({ "portcullis.dev/mode": "audit" }), { namespace: "" }), signal);
    assert.equal(rt.namespaceLabels.has("prod"), false);
    assert.equal((await validateReview(rt, request(pod(EVIL)), signal)).response.allowed, false);
  });

  it("a DELETE forgets the labels; a namespace created again is judged strictly until stored labels are seen", async () => {
    const rt = runtime(MODE_POLICY, { prod: { "portcullis.dev/mode": "audit" } });
    await validateReview(
      rt,
      request(null, {
        kindName: "Namespace",
        operation: "DELETE",
        name: "prod",
        namespace: "",
        oldObject: ns({}),
      }),
      signal,
    );
    assert.equal(rt.namespaceLabels.has("prod"), false);
    assert.equal((await validateReview(rt, request(pod(EVIL)), signal)).response.allowed, false);
    await validateReview(rt, request(ns({ team: "a" }), { namespace: "" }), signal);
    assert.equal(rt.namespaceLabels.has("prod"), false);
    await validateReview(
      rt,
      request(ns({ team: "b" }), { namespace: "", operation: "UPDATE", oldObject: ns({ team: "a" }) }),
      signal,
    );
    assert.deepEqual(rt.namespaceLabels.get("prod"), { team: "a" });
  });
});
