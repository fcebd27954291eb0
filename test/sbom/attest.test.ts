/**
 * `portcullis sbom IMAGE --attest --key …` against the real local registry: the SBOM is signed as
 * an in-toto attestation for the manifest digest that was read, stored at the `.att` tag (or as a
 * bundle referrer), and src/sign's verification accepts it with the right predicate type and the
 * SBOM as predicate; a wrong key does not verify; bad flag combinations are usage errors (exit 2).
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { after, before, describe, it } from "node:test";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { RegistryClient } from "../../src/registry/client.js";
import {
  encryptPrivateKey,
  generateSigningKey,
  predicateTypeFor,
  verifyImageAttestations,
} from "../../src/sign/index.js";
import { copyImage } from "../sign/registry-fixture.js";
import { registryEnv, SKIP_NO_REGISTRY_ENV } from "../support/registry-env.js";

const run = promisify(execFile);
const repoRoot = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const env = registryEnv;

async function cli(args: string[], extraEnv: Record<string, string> = {}) {
  try {
    const r = await run(process.execPath, ["--import", "tsx", join(repoRoot, "src/cli/main.ts"), ...args], {
      cwd: repoRoot,
      env: { ...process.env, NO_COLOR: "1", ...extraEnv },
      maxBuffer: 64 << 20,
    });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe("sbom --attest against the local registry", { skip: env ? false : SKIP_NO_REGISTRY_ENV }, () => {
  const client = new RegistryClient();
  const dir = mkdtempSync(join(tmpdir(), "portcullis-sbom-attest-"));
  const password = "sbom attest pw";
  const { privateKey, publicKey } = generateSigningKey();
  const other = generateSigningKey();
  let keyFile = "";
  let image = "";
  let digest = "";

  before(async () => {
    if (!env) return;
    image = `${env.plain}/portcullis-sbom-test/alpine-${Math.random().toString(16).slice(2, 10)}:3.18`;
    digest = await copyImage(client, `${env.plain}/portcullis/alpine:3.18`, image);
    keyFile = join(dir, "cosign.key");
    writeFileSync(keyFile, await encryptPrivateKey(privateKey, password), { mode: 0o600 });
  });
  after(async () => {
    await client.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("CycloneDX: attested at the .att tag, verified with the predicate = the SBOM written", async () => {
    const out = join(dir, "alpine.cdx.json");
    const r = await cli(["sbom", image, "--attest", "--key", keyFile, "-o", out, "-q"], {
      PORTCULLIS_PASSWORD: password,
    });
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stderr,
      new RegExp(`attested .*@${digest} \\(https://cyclonedx.org/bom\\) → .*sha256-[0-9a-f]{64}\\.att`),
    );
    const sbom = JSON.parse(readFileSync(out, "utf8"));
    assert.equal(sbom.bomFormat, "CycloneDX");
    assert.ok(sbom.components.some((c: { purl?: string }) => c.purl?.startsWith("pkg:apk/alpine/")));

    const [v] = await verifyImageAttestations(client, image, {
      policy: { keys: [{ name: "cosign.pub", key: publicKey }] },
      predicateType: predicateTypeFor("cyclonedx"),
    });
    assert.equal(v.verified, true, JSON.stringify(v.verdicts));
    assert.equal(v.digest, digest);
    assert.equal(v.statements.length, 1);
    assert.deepEqual(v.statements[0].predicate, sbom);
    assert.deepEqual(v.statements[0].subject[0].digest, { sha256: digest.slice("sha256:".length) });

    const [wrong] = await verifyImageAttestations(client, image, {
      policy: { keys: [{ name: "other.pub", key: other.publicKey }] },
      predicateType: predicateTypeFor("cyclonedx"),
    });
    assert.equal(wrong.verified, false);
  });

  it("SPDX as a sigstore bundle referrer, verified by portcullis verify-attestation", async () => {
    const r = await cli(["sbom", image, "-f", "spdx", "--attest", "--key", keyFile, "--bundle", "-q"], {
      COSIGN_PASSWORD: password,
    });
    assert.equal(r.code, 0, r.stderr);
    const sbom = JSON.parse(r.stdout);
    assert.equal(sbom.spdxVersion, "SPDX-2.3");
    const pub = join(dir, "cosign.pub");
    writeFileSync(pub, publicKey.export({ type: "spki", format: "pem" }));
    const v = await cli(["verify-attestation", "--key", pub, "--type", "spdxjson", image]);
    assert.equal(v.code, 0, v.stderr);
    const statements = v.stdout
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l));
    assert.ok(statements.length >= 1);
    assert.ok(statements.every((s) => s.predicateType === predicateTypeFor("spdxjson")));
    assert.ok(statements.some((s) => JSON.stringify(s.predicate.packages) === JSON.stringify(sbom.packages)));
  });

  it("bad combinations are usage errors before anything is read", async () => {
    const noKey = await cli(["sbom", image, "--attest"]);
    assert.equal(noKey.code, 2);
    assert.match(noKey.stderr, /--attest needs --key/);
    const table = await cli(["sbom", image, "--attest", "--key", keyFile, "-f", "table"]);
    assert.equal(table.code, 2);
    assert.match(table.stderr, /cannot be attested/);
    const local = await cli(["sbom", `dir:${dir}`, "--attest", "--key", keyFile]);
    assert.equal(local.code, 2);
    assert.match(local.stderr, /needs an image in a registry/);
    const stray = await cli(["sbom", image, "--key", keyFile]);
    assert.equal(stray.code, 2);
    assert.match(stray.stderr, /only used with --attest/);
    const badPw = await cli(["sbom", image, "--attest", "--key", keyFile], { PORTCULLIS_PASSWORD: "nope" });
    assert.equal(badPw.code, 2, badPw.stderr);
  });
});
