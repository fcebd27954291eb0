/**
 * Portcullis secures itself, the seeds' workflow end to end with the real tools: the repository's
 * Dockerfile is clean under `lint dockerfile`; the image `.ci/build-self-image` built with buildah
 * and pushed to the local registry gets an SBOM attestation, a vulnerability scan that fails only
 * on critical findings with a signed `vuln` attestation, a signature that verifies;
 * `webhook install --image name@digest` manifests pass `check --images` against a policy that
 * requires the signature and both attestations, while the same check on an unsigned rebuild
 * fails. Every step is the CLI a user would type. Skips when the image was not built (no
 * registry environment or buildah), as .ci/run builds it before the tests.
 */
import assert from "node:assert/strict";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { before, describe, test } from "node:test";
import { RegistryClient } from "../../src/registry/client.js";
import { buildSharedDb } from "../scan/support.js";
import { runCli } from "../support/cli.js";
import { registryEnv } from "../support/registry-env.js";
import { repoRoot } from "../support/shared.js";

interface SelfImage {
  repository: string;
  tag: string;
  digest: string;
  rebuildDigest: string;
  compressedBytes: number;
  buildSeconds: number;
}

/** Without the shared vectors there is no vulnerability data: the scan step and this rule are left out. */
const VULN_RULE = `    vulnerabilities:
      maxSeverity: high
      evidence: attestation
      maxAge: 1d
      key: { file: cosign.pub }
`;

const envDir = process.env.PORTCULLIS_TEST_ENV ?? "/tmp/portcullis-env";
const infoFile = join(envDir, "self-image.json");
const skip =
  registryEnv && existsSync(infoFile)
    ? false
    : `${infoFile} absent: run .ci/build-self-image (needs buildah and the registry environment)`;

describe("Portcullis' own image: built, attested, scanned, signed, admitted", { skip }, () => {
  const dir = mkdtempSync(join(tmpdir(), "portcullis-self-"));
  const password = { PORTCULLIS_PASSWORD: "self-test-password" };
  let img: SelfImage;
  let pinned = "";
  let rebuild = "";
  const policy = join(dir, "policy.yaml");
  let db: string | undefined;

  before(async () => {
    // The vulnerability data: the shared vectors' feeds (OSV with npm records, Alpine, Debian).
    db = await buildSharedDb(dir);
    img = JSON.parse(readFileSync(infoFile, "utf8")) as SelfImage;
    pinned = `${img.repository}:${img.tag}@${img.digest}`;
    rebuild = `${img.repository}:${img.tag}-rebuild@${img.rebuildDigest}`;
    const registry = img.repository.slice(0, img.repository.indexOf("/"));
    writeFileSync(
      policy,
      `apiVersion: portcullis.dev/v1alpha1
kind: ImagePolicy
metadata: { name: portcullis-self }
spec:
  defaultMode: enforce
  rules:
    allowedRegistries:
      patterns: ["${registry}/portcullis/**"]
    forbidLatest: {}
    requireDigest: {}
    podSecurity: { level: restricted, version: latest }
    signatures:
      keys:
        - images: ["${img.repository}"]
          key: { file: cosign.pub }
    attestations:
      require:
        - images: ["${img.repository}"]
          predicateTypes: ["https://cyclonedx.org/bom"${db ? ', "https://cosign.sigstore.dev/attestation/vuln/v1"' : ""}]
${db ? VULN_RULE : ""}`,
    );
  });

  test("the repository's Dockerfile has no findings at low or above", async () => {
    const r = await runCli([
      "lint",
      "dockerfile",
      join(repoRoot, "Dockerfile"),
      "-f",
      "json",
      "--fail-on",
      "low",
    ]);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.deepEqual(JSON.parse(r.stdout).findings, []);
  });

  test("the image is small, labelled and runs as a numeric non-root user", async (t) => {
    t.diagnostic(
      `image ${(img.compressedBytes / 1048576).toFixed(1)} MiB compressed, built in ${img.buildSeconds} s`,
    );
    assert.ok(img.compressedBytes < 120 * 1024 * 1024, `${img.compressedBytes} bytes`);
    const client = new RegistryClient();
    try {
      const manifest = await client.getManifest(pinned);
      const config = JSON.parse(
        (await client.getBlobBytes(img.repository, manifest.json.config.digest)).toString("utf8"),
      );
      assert.match(config.config.User, /^\d+:\d+$/, "numeric user");
      assert.notEqual(config.config.User.split(":")[0], "0");
      const labels = config.config.Labels ?? {};
      for (const l of ["source", "revision", "version"])
        assert.ok(labels[`org.opencontainers.image.${l}`], `label ${l}`);
      assert.deepEqual(config.config.Entrypoint, ["/usr/local/bin/node", "/app/dist/cli/main.js"]);
    } finally {
      await client.close();
    }
    const r = await runCli(["sbom", pinned, "-f", "json", "-q"]);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(
      !JSON.parse(r.stdout).packages.some((p: { type: string }) => p.type === "deb"),
      "no OS package manager in the final image",
    );
    const sbom = JSON.parse(r.stdout);
    const names = new Set((sbom.packages as { name: string }[]).map((p) => p.name));
    for (const dep of ["better-sqlite3", "commander", "yaml"])
      assert.ok(names.has(dep), `${dep} in the SBOM`);
    assert.ok(!names.has("typescript"), "dev dependencies are pruned");
  });

  test("key generate, sbom --attest, sign and verify by digest", async (t) => {
    const timed = async <T>(label: string, f: () => Promise<T>): Promise<T> => {
      const t0 = performance.now();
      const out = await f();
      t.diagnostic(`${label}: ${((performance.now() - t0) / 1000).toFixed(2)} s`);
      return out;
    };
    const gen = await runCli(["key", "generate"], { cwd: dir, env: password });
    assert.equal(gen.code, 0, gen.stderr);
    const att = await timed("sbom --attest", () =>
      runCli(["sbom", pinned, "--attest", "--key", "cosign.key", "-q", "-o", "sbom.cdx.json"], {
        cwd: dir,
        env: password,
      }),
    );
    assert.equal(att.code, 0, att.stderr);
    if (db) {
      // "Fail the build on critical": the scan passes only without critical rows, and its
      // result is signed as a cosign vuln attestation the policy then requires.
      const scan = await timed("scan --fail-on critical --attest", () =>
        runCli(
          ["scan", pinned, "--fail-on", "critical", "--attest", "--key", "cosign.key", "-f", "json", "-q"],
          { cwd: dir, env: { ...password, PORTCULLIS_DB: db as string }, timeoutMs: 300_000 },
        ),
      );
      assert.equal(scan.code, 0, scan.stdout.slice(0, 2000) + scan.stderr);
      const result = JSON.parse(scan.stdout) as { packages: number; vulnerabilities: { severity: string }[] };
      t.diagnostic(
        `scan: ${result.packages} packages, ${result.vulnerabilities.length} known vulnerabilities`,
      );
      assert.ok(result.packages > 50, "the scan saw the image's npm packages");
      assert.ok(!result.vulnerabilities.some((v) => v.severity === "critical"));
    }
    const sign = await timed("sign", () =>
      runCli(["sign", pinned, "--key", "cosign.key"], { cwd: dir, env: password }),
    );
    assert.equal(sign.code, 0, sign.stderr);
    const verify = await timed("verify", () =>
      runCli(["verify", pinned, "--key", "cosign.pub"], { cwd: dir }),
    );
    assert.equal(verify.code, 0, verify.stdout + verify.stderr);
    const verifyRebuild = await runCli(["verify", rebuild, "--key", "cosign.pub"], { cwd: dir });
    assert.notEqual(verifyRebuild.code, 0, "the unsigned rebuild does not verify");
  });

  test("webhook install --image name@digest passes check --images with signature, attestations and the vulnerability rule", async () => {
    const install = await runCli(["webhook", "install", "--image", pinned, "--policy", policy]);
    assert.equal(install.code, 0, install.stderr);
    writeFileSync(join(dir, "install.yaml"), install.stdout);
    const check = await runCli(["check", "install.yaml", "--policy", policy, "--images", "-f", "json"], {
      cwd: dir,
    });
    const report = JSON.parse(check.stdout);
    assert.equal(check.code, 0, JSON.stringify(report.findings, null, 2) + check.stderr);
    assert.equal(report.findings.filter((f: { suppressed?: unknown }) => !f.suppressed).length, 0);
  });

  test("the same check on an unsigned rebuild fails on the signature, the attestations and the vulnerability evidence", async () => {
    const install = await runCli(["webhook", "install", "--image", rebuild, "--policy", policy]);
    assert.equal(install.code, 0, install.stderr);
    writeFileSync(join(dir, "install-rebuild.yaml"), install.stdout);
    const check = await runCli(
      ["check", "install-rebuild.yaml", "--policy", policy, "--images", "-f", "json"],
      {
        cwd: dir,
      },
    );
    assert.equal(check.code, 1, check.stderr);
    const rules = new Set((JSON.parse(check.stdout).findings as { rule: string }[]).map((f) => f.rule));
    assert.ok(rules.has("image-signature"), [...rules].join(", "));
    assert.ok(rules.has("image-attestation"), [...rules].join(", "));
    if (db) assert.ok(rules.has("image-vulnerabilities"), [...rules].join(", "));
  });
});
