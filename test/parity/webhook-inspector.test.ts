/**
 * webhook → inspector → verify without the real registry (issue 12 item 6): an in-memory
 * registry double (memory-registry.ts) behind the inspector's seams (resolveDigest, store),
 * images signed by the real signer, a review through validateReview and the same objects
 * through `check --images`: the same verdicts and ids. The real-registry tests stay
 * (test/policy/signatures.test.ts).
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { runCheck } from "../../src/check/run.js";
import { ImageInspector } from "../../src/policy/inspector.js";
import { parsePolicy } from "../../src/policy/load.js";
import type { ImageStore } from "../../src/sign/image-signing.js";
import { generateSigningKey, publicKeyPem, signImage } from "../../src/sign/index.js";
import { type AdmissionRequest, validateReview } from "../../src/webhook/admission.js";
import { MemoryRegistry } from "./memory-registry.js";

const dir = mkdtempSync(join(tmpdir(), "portcullis-parity-"));
const key = generateSigningKey();
writeFileSync(join(dir, "cosign.pub"), publicKeyPem(key.publicKey));
const policy = parsePolicy(
  `
apiVersion: portcullis.dev/v1alpha1
kind: ImagePolicy
spec:
  rules:
    allowedRegistries: { patterns: ["ghcr.io/acme/**"] }
    signatures:
      keys: [{ images: ["ghcr.io/acme/**"], key: { file: cosign.pub } }]
`,
  "policy.yaml",
  dir,
).policy;

const registry = new MemoryRegistry();
const inspector = () =>
  new ImageInspector({
    resolveDigest: (ref) => registry.resolveDigest(ref),
    store: registry as unknown as ImageStore,
  });

function pod(image: string, volume?: string): Record<string, unknown> {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "p", namespace: "apps" },
    spec: {
      containers: [{ name: "app", image }],
      ...(volume ? { volumes: [{ name: "data", image: { reference: volume } }] } : {}),
    },
  };
}

async function viaWebhook(obj: Record<string, unknown>) {
  const req: AdmissionRequest = {
    uid: "mem",
    kind: { group: "", version: "v1", kind: "Pod" },
    namespace: "apps",
    operation: "CREATE",
    object: obj,
  };
  const rt = { policy, inspector: inspector(), namespaceLabels: new Map() };
  const out = await validateReview(rt, req, AbortSignal.timeout(10_000));
  return { allowed: out.response.allowed, rules: out.evaluation?.decisions.map((d) => d.rule).sort() ?? [] };
}

async function viaCheck(obj: Record<string, unknown>) {
  const r = await runCheck({
    policy: { policy, source: "policy.yaml", baseDir: dir },
    paths: ["-"],
    readStdin: () => JSON.stringify(obj),
    inspector: inspector(),
  });
  assert.deepEqual(r.lookupFailures, []);
  return {
    allowed: !r.report.findings.some((f) => f.severity === "high"),
    rules: r.report.findings.map((f) => f.rule).sort(),
  };
}

describe("webhook → inspector → verify with an in-memory registry", () => {
  before(async () => {
    await registry.addImage("ghcr.io/acme/signed:1");
    await registry.addImage("ghcr.io/acme/unsigned:1");
    await registry.addImage("ghcr.io/acme/weights:1");
    await signImage(registry as unknown as ImageStore, "ghcr.io/acme/signed:1", {
      privateKey: key.privateKey,
    });
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const table: { name: string; obj: Record<string, unknown>; allowed: boolean; rules: string[] }[] = [
    { name: "a signed image is admitted", obj: pod("ghcr.io/acme/signed:1"), allowed: true, rules: [] },
    {
      name: "an unsigned image is denied with image-signature",
      obj: pod("ghcr.io/acme/unsigned:1"),
      allowed: false,
      rules: ["image-signature"],
    },
    {
      name: "an unsigned image volume beside a signed container is denied",
      obj: pod("ghcr.io/acme/signed:1", "ghcr.io/acme/weights:1"),
      allowed: false,
      rules: ["image-signature"],
    },
    {
      name: "an image from an unlisted registry is denied without contacting it",
      obj: pod("evil.example/app:1"),
      allowed: false,
      rules: ["image-registry-not-allowed"],
    },
  ];
  for (const c of table) {
    it(`${c.name} (webhook and check --images agree)`, async () => {
      const before = registry.requests.length;
      const hook = await viaWebhook(c.obj);
      const check = await viaCheck(c.obj);
      assert.deepEqual(hook, { allowed: c.allowed, rules: c.rules });
      assert.deepEqual(check, hook);
      assert.ok(
        registry.requests.slice(before).every((name) => name.startsWith("ghcr.io/acme/")),
        `contacted ${registry.requests.slice(before).join(", ")}`,
      );
    });
  }
});
