/**
 * `portcullis check --secrets-dir DIR`: keys the policy names as Kubernetes Secrets are read from
 * DIR (the layout of a mounted Secret volume), against the real signed image of the registry
 * test environment. And the flag's own checks.
 */
import assert from "node:assert/strict";
import { copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { runCli } from "../support/cli.js";
import { registryEnv, SKIP_NO_REGISTRY_ENV } from "../support/registry-env.js";

const policy = (pattern: string) => `apiVersion: portcullis.dev/v1alpha1
kind: ImagePolicy
metadata: { name: qa }
spec:
  rules:
    signatures:
      keys:
        - images: ["${pattern}"]
          key: { secret: { namespace: ops, name: release-key } }
`;

function setup(image: string, pattern: string): { dir: string; secrets: string } {
  const dir = mkdtempSync(join(tmpdir(), "portcullis-check-qa-"));
  writeFileSync(join(dir, "policy.yaml"), policy(pattern));
  writeFileSync(
    join(dir, "pod.yaml"),
    `apiVersion: v1\nkind: Pod\nmetadata: { name: web, namespace: shop }\nspec:\n  containers:\n    - name: app\n      image: ${image}\n`,
  );
  const secrets = join(dir, "mounted");
  mkdirSync(join(secrets, "ops", "release-key"), { recursive: true });
  return { dir, secrets };
}

interface JsonReport {
  findings: { rule: string; message: string }[];
}

describe("portcullis check --secrets-dir", () => {
  it("refuses a --secrets-dir that does not exist (exit 2)", async () => {
    const { dir } = setup("ghcr.io/acme/app:1.0", "ghcr.io/acme/**");
    const r = await runCli([
      "check",
      join(dir, "pod.yaml"),
      "--policy",
      join(dir, "policy.yaml"),
      "--secrets-dir",
      join(dir, "nope"),
    ]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--secrets-dir .*nope: no such file or directory/);
  });

  it("verifies a signature with the key of a Secret found under --secrets-dir", {
    skip: registryEnv ? false : SKIP_NO_REGISTRY_ENV,
  }, async () => {
    const env = registryEnv;
    if (!env) return;
    const signed = (env.json.signing as { signedImage: string }).signedImage;
    const { dir, secrets } = setup(signed, `${env.plain}/portcullis/**`);
    copyFileSync(env.cosignPub, join(secrets, "ops", "release-key", "cosign.pub"));
    const args = [
      "check",
      join(dir, "pod.yaml"),
      "--policy",
      join(dir, "policy.yaml"),
      "--images",
      "-f",
      "json",
    ];
    const environment = { PORTCULLIS_SECRETS_DIR: undefined };

    const without = await runCli(args, { env: environment });
    assert.equal(without.code, 1, without.stderr);
    const refused = (JSON.parse(without.stdout) as JsonReport).findings.find(
      (f) => f.rule === "image-signature",
    );
    assert.match(refused?.message ?? "", /Secret ops\/release-key \(cosign\.pub\) not found.*--secrets-dir/);

    const withDir = await runCli([...args, "--secrets-dir", secrets], { env: environment });
    assert.equal(withDir.code, 0, withDir.stderr + withDir.stdout);
    assert.deepEqual((JSON.parse(withDir.stdout) as JsonReport).findings, []);
  });
});
