/**
 * Issue 15, items 4, 8 and 9 and issue 14, item 4, at the admission layer (transport-free):
 * bounded work per review (image cap, one look-up bound shared by concurrent reviews, bounded
 * denial messages), no look-up outside the allow-list in any mode, what is trusted in a
 * request (an empty request.namespace, ImageReview containers), and a mutation that never
 * overrides an explicit pull policy.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { ImageInspector } from "../../src/policy/inspector.js";
import { parsePolicy } from "../../src/policy/load.js";
import {
  type AdmissionRequest,
  BadReviewError,
  imageReview,
  mutateReview,
  type PolicyRuntime,
  parseImageReview,
  validateReview,
} from "../../src/webhook/admission.js";
import { reviewLimits } from "../../src/webhook/lookups.js";

const BASE = `
apiVersion: portcullis.dev/v1alpha1
kind: ImagePolicy
spec:
  rules:
    allowedRegistries: { patterns: ["ghcr.io/acme/**"] }
  exemptions:
    namespaces: [kube-system]
`;
const DIGEST = `sha256:${"d".repeat(64)}`;

/** A runtime whose resolver records what was asked and how many look-ups ran at once. */
function runtime(text: string, opts: { maxImages?: number; maxLookups?: number; delayMs?: number } = {}) {
  const asked: string[] = [];
  let inFlight = 0;
  let peak = 0;
  const rt: PolicyRuntime = {
    policy: parsePolicy(text).policy,
    inspector: new ImageInspector({
      resolveDigest: async (ref) => {
        asked.push(ref.name);
        inFlight++;
        peak = Math.max(peak, inFlight);
        await new Promise((r) => setTimeout(r, opts.delayMs ?? 0));
        inFlight--;
        return DIGEST;
      },
    }),
    namespaceLabels: new Map(),
    limits: reviewLimits(opts),
  };
  return { rt, asked, peak: () => peak };
}

let n = 0;
function request(obj: Record<string, unknown>, extra: Partial<AdmissionRequest> = {}): AdmissionRequest {
  return {
    uid: `lim-${++n}`,
    kind: { group: "", version: "v1", kind: String(obj.kind) },
    namespace: "prod",
    operation: "CREATE",
    object: obj,
    ...extra,
  };
}
function pod(containers: Record<string, unknown>[], md: Record<string, unknown> = {}) {
  return { apiVersion: "v1", kind: "Pod", metadata: { name: "p", ...md }, spec: { containers } };
}
const images = (count: number, registry = "ghcr.io/acme") =>
  Array.from({ length: count }, (_, i) => ({ name: `c${i}`, image: `${registry}/app${i}:1.0` }));
const signal = new AbortController().signal;

const LOOKUPS = BASE.replace(
  "    allowedRegistries",
  "    vulnerabilities: { maxSeverity: high }\n    allowedRegistries",
);
const SIGNED = `${BASE}  mutation: { pinDigests: true, imagePullPolicy: IfNotPresent }\n`;

describe("review limits: bounded work per review", () => {
  it("a pod naming more distinct images than the cap is denied before any look-up, saying why", async () => {
    const { rt, asked } = runtime(LOOKUPS, { maxImages: 10 });
    const out = await validateReview(rt, request(pod(images(11))), signal);
    assert.equal(out.response.allowed, false);
    assert.match(out.response.status?.message ?? "", /names 11 distinct images, more than the 10/);
    assert.deepEqual(asked, []);
    const under = await validateReview(rt, request(pod(images(10))), signal);
    assert.doesNotMatch(under.response.status?.message ?? "", /distinct images/);
  });

  it("the image cap also holds for /imagereview and /mutate (mutation warns, never denies)", async () => {
    const { rt, asked } = runtime(SIGNED, { maxImages: 3 });
    const review = parseImageReview({
      apiVersion: "imagepolicy.k8s.io/v1alpha1",
      kind: "ImageReview",
      spec: { containers: images(4), namespace: "prod" },
    });
    const out = await imageReview(rt, review, signal);
    assert.equal(out.status?.allowed, false);
    assert.match(out.status?.reason ?? "", /4 distinct images/);
    const m = await mutateReview(rt, request(pod(images(4))), signal);
    assert.equal(m.response.allowed, true);
    assert.equal(m.response.patch, undefined);
    assert.match(m.response.warnings?.[0] ?? "", /did not pin any image: .*4 distinct images/);
    assert.deepEqual(asked, []);
  });

  it("concurrent reviews share one bound on look-ups in flight", async () => {
    const { rt, asked, peak } = runtime(SIGNED, { maxLookups: 3, delayMs: 5 });
    await Promise.all([
      mutateReview(rt, request(pod(images(8))), signal),
      mutateReview(rt, request(pod(images(8, "ghcr.io/acme/other"))), signal),
    ]);
    assert.equal(asked.length, 16);
    assert.ok(peak() <= 3, `at most 3 look-ups at once across both reviews, saw ${peak()}`);
  });

  it("a denial with many violations is summarised: 'N violations, first 5: …'", async () => {
    const { rt } = runtime(BASE, { maxImages: 100 });
    const out = await validateReview(rt, request(pod(images(37, "docker.io/evil"))), signal);
    const msg = out.response.status?.message ?? "";
    assert.match(msg, /: 37 violations, first 5: /);
    assert.equal(msg.split("; ").length, 5);
    assert.ok(msg.length < 3000, `message of ${msg.length} characters`);
  });
});

describe("review limits: the allow-list comes before any look-up, in every mode", () => {
  const MODE = `${LOOKUPS}  namespaceModeLabel: true\n`;
  it("with namespaceModeLabel: true, an image outside the allow-list is not looked up (validation)", async () => {
    const { rt, asked } = runtime(MODE);
    const out = await validateReview(
      rt,
      request(pod([{ name: "a", image: "169.254.169.254/x/y:1" }, ...images(1)])),
      signal,
    );
    assert.equal(out.response.allowed, false);
    assert.deepEqual(asked, ["ghcr.io/acme/app0"]);
  });

  it("with namespaceModeLabel: true, mutation does not resolve it either, and says why", async () => {
    const { rt, asked } = runtime(`${SIGNED}  namespaceModeLabel: true\n`);
    const out = await mutateReview(rt, request(pod([{ name: "a", image: "169.254.169.254/x/y:1" }])), signal);
    assert.deepEqual(asked, []);
    assert.match(out.response.warnings?.[0] ?? "", /did not pin .*not in spec\.rules\.allowedRegistries/);
  });
});

describe("review limits: what is trusted in a request", () => {
  it("request.namespace '' does not fall back to the object's metadata.namespace (an exempt one)", async () => {
    const { rt } = runtime(BASE);
    const evil = pod([{ name: "a", image: "docker.io/evil/miner:1" }], { namespace: "kube-system" });
    const out = await validateReview(rt, request(evil, { namespace: "" }), signal);
    assert.equal(out.response.allowed, false, "kube-system's exemption must not apply");
  });

  it("/imagereview with containers: [null] is a bad request, not an internal error", () => {
    for (const containers of [[null], [5], [{ image: 7 }]])
      assert.throws(
        () =>
          parseImageReview({
            apiVersion: "imagepolicy.k8s.io/v1alpha1",
            kind: "ImageReview",
            spec: { containers },
          }),
        BadReviewError,
      );
  });
});

describe("mutation never overrides an explicit pull policy (issue 14, item 4)", () => {
  const patch = (out: Awaited<ReturnType<typeof mutateReview>>) =>
    out.response.patch
      ? (JSON.parse(Buffer.from(out.response.patch, "base64").toString()) as {
          path: string;
          value: unknown;
        }[])
      : [];
  const NO_PIN = `${BASE}  mutation: { imagePullPolicy: IfNotPresent }\n`;

  it("an explicit Always on an image it did not pin is kept (kubelet's choice, like the API server's defaulting)", async () => {
    const { rt } = runtime(NO_PIN);
    const out = await mutateReview(
      rt,
      request(pod([{ name: "a", image: "ghcr.io/acme/app:1.0", imagePullPolicy: "Always" }])),
      signal,
    );
    assert.deepEqual(patch(out), []);
  });

  it("no pull policy is added to an unpinned tag (it would create image-pull-policy-mutable-tag)", async () => {
    const { rt } = runtime(NO_PIN);
    const out = await mutateReview(rt, request(pod([{ name: "a", image: "ghcr.io/acme/app:1.0" }])), signal);
    assert.deepEqual(patch(out), []);
  });

  it("Never is never touched, even when the image is pinned", async () => {
    const { rt } = runtime(SIGNED);
    const out = await mutateReview(
      rt,
      request(pod([{ name: "a", image: "ghcr.io/acme/app:1.0", imagePullPolicy: "Never" }])),
      signal,
    );
    assert.deepEqual(
      patch(out).map((o) => o.path),
      ["/spec/containers/0/image"],
    );
  });

  it("an image this mutation pinned gets the policy's pull policy; one pinned by digest with none gets it too", async () => {
    const { rt } = runtime(SIGNED);
    const out = await mutateReview(
      rt,
      request(
        pod([
          { name: "a", image: "ghcr.io/acme/app:1.0", imagePullPolicy: "Always" },
          { name: "b", image: `ghcr.io/acme/b@${DIGEST}` },
        ]),
      ),
      signal,
    );
    assert.deepEqual(
      patch(out).map((o) => [o.path, o.value]),
      [
        ["/spec/containers/0/image", `ghcr.io/acme/app:1.0@${DIGEST}`],
        ["/spec/containers/0/imagePullPolicy", "IfNotPresent"],
        ["/spec/containers/1/imagePullPolicy", "IfNotPresent"],
      ],
    );
  });

  it("a warning says when pinning was skipped and why (not a valid reference)", async () => {
    const { rt } = runtime(SIGNED);
    const out = await mutateReview(rt, request(pod([{ name: "a", image: "UPPER/Case:1" }])), signal);
    assert.match(
      out.response.warnings?.[0] ?? "",
      /did not pin UPPER\/Case:1 of container a: not a valid image reference/,
    );
  });
});
