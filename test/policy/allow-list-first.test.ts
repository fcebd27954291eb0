/**
 * The allow-list is checked before any network look-up, in every mode (issue 15 item 8): with
 * `namespaceModeLabel: true`, or allowedRegistries in warn/audit mode, an image from an
 * unlisted registry must never make the inspector contact that registry.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { ImageInspector } from "../../src/policy/inspector.js";
import { parsePolicy } from "../../src/policy/load.js";
import { generateSigningKey, publicKeyPem } from "../../src/sign/key-format.js";

/** A folder with a cosign.pub for the policy to name. */
const KEY_DIR = mkdtempSync(join(tmpdir(), "portcullis-policy-"));
writeFileSync(join(KEY_DIR, "cosign.pub"), publicKeyPem(generateSigningKey().publicKey));
after(() => rmSync(KEY_DIR, { recursive: true, force: true }));

import { type AdmissionRequest, validateReview } from "../../src/webhook/admission.js";

const DIGEST = `sha256:${"d".repeat(64)}`;

function policy(extra: string, mode = "enforce") {
  return parsePolicy(
    `
apiVersion: portcullis.dev/v1alpha1
kind: ImagePolicy
spec:
${extra}
  rules:
    allowedRegistries: { mode: ${mode}, patterns: ["ghcr.io/acme/**"] }
    attestations:
      require: [{ images: ["**"], predicateTypes: [https://slsa.dev/provenance/v1], key: { file: cosign.pub } }]
`,
    "policy.yaml",
    KEY_DIR,
  ).policy;
}

function spyInspector(contacted: string[]) {
  return new ImageInspector({
    resolveDigest: async (ref) => {
      contacted.push(ref.domain);
      return DIGEST;
    },
  });
}

describe("the allow-list comes before any look-up", () => {
  for (const [name, p] of [
    ["namespaceModeLabel: true", policy("  namespaceModeLabel: true")],
    ["allowedRegistries in audit mode", policy("", "audit")],
    ["allowedRegistries in warn mode", policy("", "warn")],
    ["allowedRegistries enforced", policy("")],
  ] as const) {
    it(`an unlisted registry is never contacted (${name})`, async () => {
      const contacted: string[] = [];
      const facts = await spyInspector(contacted).inspect(p, "169.254.169.254/latest/meta-data:1");
      assert.deepEqual(contacted, []);
      assert.match(facts.digestError ?? "", /not looked up: its registry is not allowed/);
    });
  }

  it("a listed registry is still looked up", async () => {
    const contacted: string[] = [];
    await spyInspector(contacted).inspect(policy("  namespaceModeLabel: true"), "ghcr.io/acme/app:1");
    assert.deepEqual(contacted, ["ghcr.io"]);
  });

  it("through /validate in a namespace labelled portcullis.dev/mode=audit, nothing unlisted is contacted", async () => {
    const contacted: string[] = [];
    const rt = {
      policy: policy("  namespaceModeLabel: true"),
      inspector: spyInspector(contacted),
      namespaceLabels: new Map([["dev", { "portcullis.dev/mode": "audit" }]]),
    };
    const req: AdmissionRequest = {
      uid: "u1",
      kind: { group: "", version: "v1", kind: "Pod" },
      namespace: "dev",
      operation: "CREATE",
      object: {
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name: "p" },
        spec: {
          containers: [{ name: "a", image: "internal.corp:8443/x:1" }],
          volumes: [{ name: "v", image: { reference: "10.0.0.1:5000/y:1" } }],
        },
      },
    };
    const out = await validateReview(rt, req, AbortSignal.timeout(5000));
    assert.equal(out.response.allowed, true, "audit mode admits");
    assert.deepEqual(contacted, []);
  });
});
