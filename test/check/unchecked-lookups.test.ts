/**
 * `check` without --images and a policy with signature/attestation rules (issue 14 item 7):
 * not one failing finding per container, but one info note per image, "not checked (pass
 * --images)"; the verdict comes from what the manifests themselves say.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { runCheck } from "../../src/check/run.js";
import { parsePolicy } from "../../src/policy/load.js";
import { generateSigningKey, publicKeyPem } from "../../src/sign/key-format.js";

/** A folder with a cosign.pub for the policy to name. */
const KEY_DIR = mkdtempSync(join(tmpdir(), "portcullis-policy-"));
writeFileSync(join(KEY_DIR, "cosign.pub"), publicKeyPem(generateSigningKey().publicKey));
after(() => rmSync(KEY_DIR, { recursive: true, force: true }));

const POLICY = parsePolicy(
  `
apiVersion: portcullis.dev/v1alpha1
kind: ImagePolicy
spec:
  rules:
    forbidLatest: {}
    signatures:
      keys: [{ images: ["ghcr.io/acme/**"], key: { file: cosign.pub } }]
    attestations:
      require: [{ images: ["ghcr.io/acme/**"], predicateTypes: [https://slsa.dev/provenance/v1] }]
`,
  "policy.yaml",
  KEY_DIR,
).policy;

const MANIFEST = `apiVersion: apps/v1
kind: Deployment
metadata: { name: web }
spec:
  template:
    spec:
      initContainers: [{ name: init, image: "ghcr.io/acme/app:1" }]
      containers:
        - { name: a, image: "ghcr.io/acme/app:1" }
        - { name: b, image: "ghcr.io/acme/app:1" }
        - { name: c, image: "docker.io/library/busybox:1.36" }
---
apiVersion: v1
kind: Pod
metadata: { name: p }
spec:
  containers: [{ name: a, image: "ghcr.io/acme/app:1" }]
`;

describe("check without --images", () => {
  it("signature rules give one 'not checked (pass --images)' note per image, no failing finding", async () => {
    const r = await runCheck({
      policy: { policy: POLICY, source: "policy.yaml", baseDir: KEY_DIR },
      paths: ["-"],
      readStdin: () => MANIFEST,
    });
    assert.deepEqual(r.report.findings, []);
    assert.deepEqual(r.notes, [
      "ghcr.io/acme/app:1: image-signature, image-attestation not checked (pass --images)",
    ]);
    assert.ok(r.objects.every((o) => o.evaluation.allowed));
  });

  it("what the manifests say is still judged", async () => {
    const r = await runCheck({
      policy: { policy: POLICY, source: "policy.yaml", baseDir: KEY_DIR },
      paths: ["-"],
      readStdin: () => MANIFEST.replace("busybox:1.36", "busybox"),
    });
    assert.deepEqual(
      r.report.findings.map((f) => `${f.severity} ${f.rule}`),
      ["high image-tag-latest"],
    );
  });
});
