/**
 * Adversarial tests of image-name matching (allow-lists, key scopes, exemptions): spellings of
 * one repository must all be caught by a rule written for it, and spellings of another
 * repository must never slip into a rule's scope or an exemption. Through the real parser,
 * matcher and policy engine.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { evaluatePolicy } from "../../src/policy/engine.js";
import { parsePolicy } from "../../src/policy/load.js";
import { matchImagePattern, parseReference } from "../../src/reference/index.js";
import { generateSigningKey, publicKeyPem } from "../../src/sign/key-format.js";

function matches(pattern: string, image: string): boolean {
  return matchImagePattern(pattern, parseReference(image, { strictHost: true }));
}

function invalid(image: string): boolean {
  try {
    parseReference(image, { strictHost: true });
    return false;
  } catch {
    return true;
  }
}

describe("image-name matching under attack", () => {
  it("every spelling of Docker Hub's nginx is caught by a docker.io rule", () => {
    for (const img of [
      "nginx",
      "nginx:1.27",
      "library/nginx",
      "docker.io/nginx",
      "docker.io/library/nginx",
      "index.docker.io/library/nginx",
      "Docker.io/library/nginx",
      "DOCKER.IO/library/nginx",
      "registry-1.docker.io/library/nginx",
    ])
      assert.ok(matches("docker.io/library/*", img), img);
  });

  it("a key scope for docker.io/acme/** cannot be escaped by naming Docker Hub's API host", (t) => {
    const dir = mkdtempSync(join(tmpdir(), "portcullis-sec-"));
    t.after(() => rmSync(dir, { recursive: true, force: true }));
    writeFileSync(join(dir, "cosign.pub"), publicKeyPem(generateSigningKey().publicKey));
    const policy = parsePolicy(
      `
apiVersion: portcullis.dev/v1alpha1
kind: ImagePolicy
spec:
  rules:
    signatures:
      keys: [{ images: ["docker.io/acme/**"], key: { file: cosign.pub } }]
`,
      "policy.yaml",
      dir,
    ).policy;
    for (const image of [
      "acme/app:1",
      "docker.io/acme/app:1",
      "index.docker.io/acme/app:1",
      "registry-1.docker.io/acme/app:1",
    ]) {
      const e = evaluatePolicy(policy, {
        apiVersion: "v1",
        kind: "Pod",
        metadata: { name: "p", namespace: "prod" },
        spec: { containers: [{ name: "c", image }] },
      });
      assert.ok(
        e.decisions.some((d) => d.rule === "image-signature"),
        `${image} escaped the signature requirement`,
      );
    }
  });

  it("prefixes and siblings do not match", () => {
    assert.equal(matches("docker.io/acme/*", "docker.io/acme-evil/x"), false);
    assert.equal(matches("ghcr.io/acme/**", "ghcr.io/acme-evil/x"), false);
    assert.equal(matches("ghcr.io/acme/**", "ghcr.io.evil.com/acme/x"), false);
    assert.equal(matches("ghcr.io", "ghcr.io.evil.com/acme/x"), false);
    assert.equal(matches("*.corp.example", "corp.example.evil.com/x"), false);
    assert.equal(matches("ghcr.io/acme/app", "ghcr.io/acme/app/sub"), false);
    assert.equal(matches("ghcr.io/acme/app", "ghcr.io/acme/app-evil"), false);
  });

  it("a port, another loopback spelling or a user-info-like name is another registry", () => {
    assert.equal(matches("ghcr.io/acme/**", "ghcr.io:443/acme/app"), false);
    assert.equal(matches("localhost:5000", "127.0.0.1:5000/app"), false);
    assert.equal(matches("127.0.0.1:5000", "localhost:5000/app"), false);
    assert.equal(matches("localhost:5000", "localhost:5001/app"), false);
    assert.ok(matches("[::1]:5000", "[::1]:5000/app"));
    assert.equal(matches("[::1]:5000", "[::2]:5000/app"), false);
  });

  it("host case does not matter (DNS), path case is invalid", () => {
    assert.ok(matches("ghcr.io/acme/**", "GHCR.IO/acme/app"));
    assert.ok(invalid("ghcr.io/ACME/app"));
  });

  it("trailing dots, dot segments, unicode look-alikes and userinfo are not valid references", () => {
    for (const img of [
      "ghcr.io./acme/app",
      "ghcr.io/acme/../evil",
      "ghcr.io/acme/./app",
      "ghcr.io//acme/app",
      "gh\u0441r.io/acme/app", // Cyrillic es
      "ghcr.io/acme/\u0430pp", // Cyrillic a
      "user@ghcr.io/acme/app",
      "ghcr.io/acme/app:1.0 ",
      " ghcr.io/acme/app",
      "ghcr.io/acme/app\n",
      "ghcr.io\\acme\\app",
    ])
      assert.ok(invalid(img), JSON.stringify(img));
  });

  it("a tag or digest never changes which repository a pattern sees", () => {
    assert.ok(matches("ghcr.io/acme/app", `ghcr.io/acme/app:evil@sha256:${"a".repeat(64)}`));
    assert.equal(matches("ghcr.io/acme/app", "ghcr.io/acme/evil:app"), false);
  });
});

describe("patterns naming Docker Hub's other hosts", () => {
  it("a pattern written with registry-1.docker.io or index.docker.io means docker.io", () => {
    for (const pattern of ["registry-1.docker.io/acme/**", "index.docker.io/acme/**", "registry-1.docker.io"])
      for (const img of ["acme/app", "docker.io/acme/app", "registry-1.docker.io/acme/app"])
        assert.ok(matches(pattern, img), `${pattern} ~ ${img}`);
  });
});
