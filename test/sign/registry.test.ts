/**
 * Signing against the real local registry (Debian's docker-registry 2.8, no referrers API):
 * round trips through the library and the CLI, interop with the independent cosign-format
 * signer (cosign_compat.py), the referrers fallback tag, bundles, attestations, --recursive and
 * tags that move. Skips when the registry environment is absent.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import { RegistryClient } from "../../src/registry/client.js";
import {
  attestImage,
  encryptPrivateKey,
  generateSigningKey,
  publicKeyPem,
  readPrivateKey,
  readPublicKey,
  signImage,
  verifyImage,
  verifyImageAttestations,
} from "../../src/sign/index.js";
import { registryEnv, SKIP_NO_REGISTRY_ENV } from "../support/registry-env.js";
import { repoRoot } from "../support/shared.js";
import { copyImage, freshRepo } from "./registry-fixture.js";

const run = promisify(execFile);
const env = registryEnv;

async function cli(args: string[], extraEnv: Record<string, string> = {}) {
  try {
    const r = await run(process.execPath, ["--import", "tsx", join(repoRoot, "src/cli/main.ts"), ...args], {
      cwd: repoRoot,
      env: { ...process.env, NO_COLOR: "1", ...extraEnv },
    });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

async function compat(args: string[]) {
  try {
    const r = await run(env?.cosignCompat as string, args);
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe("signing against the local registry", { skip: env ? false : SKIP_NO_REGISTRY_ENV }, () => {
  const client = new RegistryClient();
  const dir = mkdtempSync(join(tmpdir(), "portcullis-sign-"));
  const password = "correct horse";
  const { privateKey, publicKey } = generateSigningKey();
  const other = generateSigningKey();
  const trust = { keys: [{ name: "test.pub", key: publicKey }] };
  let alpine = "";
  let multi = "";
  let keyFile = "";
  let pubFile = "";

  before(async () => {
    if (!env) return;
    alpine = `${freshRepo(env.plain, "alpine")}:3.18`;
    multi = `${freshRepo(env.plain, "multi")}:3.18`;
    await copyImage(client, `${env.plain}/portcullis/alpine:3.18`, alpine);
    await copyImage(client, `${env.plain}/portcullis/alpine:3.18-multi`, multi);
    keyFile = join(dir, "test.key");
    pubFile = join(dir, "test.pub");
    writeFileSync(keyFile, await encryptPrivateKey(privateKey, password), { mode: 0o600 });
    writeFileSync(pubFile, publicKeyPem(publicKey));
    writeFileSync(join(dir, "password"), password);
  });
  after(() => client.close());

  it("round trip: sign then verify by digest; a second signature is appended", async () => {
    const [signed] = await signImage(client, alpine, { privateKey, annotations: { env: "test" } });
    assert.equal(signed.layout, "tag");
    assert.match(signed.stored.tag ?? "", /^sha256-[0-9a-f]{64}\.sig$/);
    const [v] = await verifyImage(client, alpine, { policy: { ...trust, annotations: { env: "test" } } });
    assert.equal(v.verified, true, JSON.stringify(v.verdicts));
    assert.equal(v.digest, signed.digest);

    await signImage(client, alpine, { privateKey: other.privateKey });
    const m = await client.getManifest(`${alpine.split(":3.18")[0]}:${signed.stored.tag}`);
    assert.equal(m.json.layers.length, 2, "appended, not replaced");
    const [both] = await verifyImage(client, alpine, {
      policy: {
        keys: [
          { name: "a", key: publicKey },
          { name: "b", key: other.publicKey },
        ],
      },
    });
    assert.deepEqual(both.verdicts.map((x) => x.signer).sort(), ["a", "b"]);
    const [wrongAnn] = await verifyImage(client, alpine, {
      policy: { ...trust, annotations: { env: "prod" } },
    });
    assert.equal(wrongAnn.verified, false);
    assert.match(wrongAnn.verdicts.map((x) => x.reason).join(";"), /annotation env/);
  });

  it("CLI: sign and verify exit 0; a wrong key exits 1; an unknown registry exits 3", async () => {
    const s = await cli(["sign", "--key", keyFile, "-a", "team=blue", alpine], {
      PORTCULLIS_PASSWORD: password,
    });
    assert.equal(s.code, 0, s.stderr);
    assert.match(s.stdout, /signed .*sha256-[0-9a-f]{64}\.sig/);
    const v = await cli(["verify", "--key", pubFile, "-a", "team=blue", alpine]);
    assert.equal(v.code, 0, v.stdout + v.stderr);
    assert.match(v.stdout, new RegExp(`verified with ${pubFile.replace(/[/.]/g, "\\$&")}`));
    const otherPub = join(dir, "other.pub");
    writeFileSync(otherPub, publicKeyPem(other.publicKey));
    const bad = await cli(["verify", "--key", otherPub, "-a", "team=blue", alpine]);
    assert.equal(bad.code, 1, bad.stdout);
    const down = await cli(["verify", "--key", pubFile, "--timeout", "2s", "127.0.0.1:1/nothing:1"]);
    assert.equal(down.code, 3, down.stderr);
    const wrongPw = await cli(["sign", "--key", keyFile, alpine], { PORTCULLIS_PASSWORD: "nope" });
    assert.equal(wrongPw.code, 2);
    assert.match(wrongPw.stderr, /wrong password/);
  });

  it("interop: the setup script's cosign_compat signature verifies with portcullis verify", async () => {
    assert.ok(env);
    const v = await cli(["verify", "--key", env.cosignPub, `${env.plain}/portcullis/app:1.0`]);
    assert.equal(v.code, 0, v.stdout + v.stderr);
    assert.match(v.stdout, /1 of 1 signature\(s\) verified/);
    // The key cosign_compat made is read by Portcullis (same public key).
    const priv = await readPrivateKey(
      readFileSync(env.cosignKey, "utf8"),
      env.cosignKey,
      async () => env.cosignPassword,
    );
    assert.equal(publicKeyPem(priv), publicKeyPem(readPublicKey(readFileSync(env.cosignPub, "utf8"), "pub")));
  });

  it("interop: a Portcullis signature verifies with cosign_compat's verify", async () => {
    assert.ok(env);
    const repo = alpine.slice(env.plain.length + 1).replace(/:3\.18$/, "");
    const r = await compat([
      "verify",
      "--registry",
      `http://${env.plain}`,
      "--repo",
      repo,
      "--ref",
      "3.18",
      "--pub",
      pubFile,
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /verified \d+ signature/);
  });

  it("interop: cosign_compat signs with a Portcullis key; a cosign_compat key signs for portcullis verify", async () => {
    assert.ok(env);
    const img = `${freshRepo(env.plain, "compat")}:1`;
    await copyImage(client, `${env.plain}/portcullis/alpine:3.18`, img);
    const repo = img.slice(env.plain.length + 1).replace(/:1$/, "");
    const s = await compat([
      "sign",
      "--registry",
      `http://${env.plain}`,
      "--repo",
      repo,
      "--ref",
      "1",
      "--key",
      keyFile,
      "--password-file",
      join(dir, "password"),
      "--annotation",
      "by=compat",
    ]);
    assert.equal(s.code, 0, s.stderr);
    const [v] = await verifyImage(client, img, { policy: { ...trust, annotations: { by: "compat" } } });
    assert.equal(v.verified, true, JSON.stringify(v.verdicts));

    const prefix = join(dir, "py");
    const g = await compat([
      "generate-key-pair",
      "--prefix",
      prefix,
      "--password-file",
      join(dir, "password"),
    ]);
    assert.equal(g.code, 0, g.stderr);
    const pyKey = await readPrivateKey(readFileSync(`${prefix}.key`, "utf8"), "py.key", async () => password);
    await signImage(client, img, { privateKey: pyKey });
    const r = await compat([
      "verify",
      "--registry",
      `http://${env.plain}`,
      "--repo",
      repo,
      "--ref",
      "1",
      "--pub",
      `${prefix}.pub`,
    ]);
    assert.equal(r.code, 0, r.stderr);
  });

  it("reads skopeo's config blob shape; rejects a copy whose payload names another repository", async () => {
    assert.ok(env);
    const copy = `${env.plain}/portcullis/app-skopeo-copy@${(env.json.signing as { signedImage: string }).signedImage.split("@")[1]}`;
    const key = {
      keys: [{ name: "cosign.pub", key: readPublicKey(readFileSync(env.cosignPub, "utf8"), "pub") }],
    };
    const [moved] = await verifyImage(client, copy, { policy: key });
    assert.equal(moved.verified, false);
    assert.match(moved.verdicts[0].reason, /names repository .*portcullis\/app, not the image's repository/);
    const [exact] = await verifyImage(client, copy, {
      policy: { ...key, identity: { type: "exactReference", reference: `${env.plain}/portcullis/app` } },
    });
    assert.equal(exact.verified, true, JSON.stringify(exact.verdicts));
  });

  it("sign --bundle stores a sigstore bundle referrer; verify finds it through the fallback tag", async () => {
    assert.ok(env);
    const img = `${freshRepo(env.plain, "bundle")}:1`;
    await copyImage(client, `${env.plain}/portcullis/alpine:3.18`, img);
    const [s] = await signImage(client, img, { privateKey, bundle: true, annotations: { k: "v" } });
    assert.equal(s.layout, "bundle");
    assert.equal(s.stored.viaFallback, true, "registry 2.8 has no referrers API");
    const fallback = await client.getManifest(`${img.replace(/:1$/, "")}:${s.digest.replace(":", "-")}`);
    assert.equal(fallback.json.manifests[0].artifactType, "application/vnd.dev.sigstore.bundle.v0.3+json");
    const [v] = await verifyImage(client, img, { policy: { ...trust, annotations: { k: "v" } } });
    assert.equal(v.verified, true, JSON.stringify(v.verdicts));
    assert.match(v.looked.join(" "), /fallback tag/);
    const [w] = await verifyImage(client, img, {
      policy: { keys: [{ name: "other", key: other.publicKey }] },
    });
    assert.equal(w.verified, false);
    assert.match(w.verdicts[0].reason, /DSSE signature does not verify/);
  });

  it("attest and verify-attestation (tag .att and bundle), filtered by predicate type", async () => {
    assert.ok(env);
    const img = `${freshRepo(env.plain, "attest")}:1`;
    await copyImage(client, `${env.plain}/portcullis/alpine:3.18`, img);
    const predicate = { spdxVersion: "SPDX-2.3", name: "alpine" };
    const [a] = await attestImage(client, img, {
      privateKey,
      predicateType: "https://spdx.dev/Document",
      predicate,
    });
    assert.match(a.stored.tag ?? "", /\.att$/);
    await attestImage(client, img, {
      privateKey,
      predicateType: "https://slsa.dev/provenance/v1",
      predicate: { buildDefinition: {} },
      bundle: true,
    });
    const [spdx] = await verifyImageAttestations(client, img, {
      policy: trust,
      predicateType: "https://spdx.dev/Document",
    });
    assert.equal(spdx.verified, true, JSON.stringify(spdx.verdicts));
    assert.deepEqual(
      spdx.statements.map((s) => s.predicate),
      [predicate],
    );
    const [slsa] = await verifyImageAttestations(client, img, {
      policy: trust,
      predicateType: "https://slsa.dev/provenance/v1",
    });
    assert.equal(slsa.statements.length, 1);
    const [vuln] = await verifyImageAttestations(client, img, {
      policy: trust,
      predicateType: "https://cosign.sigstore.dev/attestation/vuln/v1",
    });
    assert.equal(vuln.verified, false);

    const cliOut = await cli(["verify-attestation", "--key", pubFile, "--type", "spdxjson", img]);
    assert.equal(cliOut.code, 0, cliOut.stderr);
    assert.deepEqual(JSON.parse(cliOut.stdout.trim()).predicate, predicate);
    const predFile = join(dir, "pred.json");
    writeFileSync(predFile, JSON.stringify({ scanner: "x" }));
    const at = await cli(["attest", "--key", keyFile, "--predicate", predFile, "--type", "vuln", img], {
      PORTCULLIS_PASSWORD: password,
    });
    assert.equal(at.code, 0, at.stderr);
    const vv = await cli(["verify-attestation", "--key", pubFile, "--type", "vuln", img]);
    assert.equal(vv.code, 0, vv.stderr);
  });

  it("--recursive signs and verifies the index and every platform manifest", async () => {
    const [onlyIndex] = await signImage(client, multi, { privateKey });
    const partial = await verifyImage(client, multi, { policy: trust, recursive: true });
    assert.equal(partial.length, 3);
    assert.equal(partial[0].digest, onlyIndex.digest);
    assert.equal(partial[0].verified, true);
    assert.ok(
      partial.slice(1).every((r) => !r.verified),
      "platform manifests are not signed yet",
    );
    const all = await signImage(client, multi, { privateKey, recursive: true });
    assert.equal(all.length, 3);
    const full = await verifyImage(client, multi, { policy: trust, recursive: true });
    assert.ok(full.every((r) => r.verified));
  });

  it("a tag that moves is re-resolved: the signature of the old digest does not cover the new one", async () => {
    assert.ok(env);
    const img = `${freshRepo(env.plain, "moving")}:stable`;
    await copyImage(client, `${env.plain}/portcullis/alpine:3.18`, img);
    await signImage(client, img, { privateKey });
    const [before] = await verifyImage(client, img, { policy: trust });
    assert.equal(before.verified, true);
    // Move the tag to another image (and plant the old signature at the new digest's .sig tag).
    const arm = await copyImage(client, `${env.plain}/portcullis/alpine:3.18-arm64`, img);
    const repo = img.replace(/:stable$/, "");
    const oldSig = await client.getManifest(`${repo}:${before.digest.replace(":", "-")}.sig`);
    await client.putManifest(repo, `${arm.replace(":", "-")}.sig`, oldSig.bytes, oldSig.mediaType);
    const [after] = await verifyImage(client, img, { policy: trust });
    assert.equal(after.digest, arm);
    assert.equal(after.verified, false);
    assert.match(after.verdicts[0].reason, /signature is for another digest/);
  });
});
