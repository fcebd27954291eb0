/**
 * Key formats: cosign.key encryption round trip and its exact JSON shape, wrong passwords, the
 * legacy PEM type, plain PEM EC / RSA / Ed25519 imports (fixtures made with openssl), public keys
 * from PEM, certificates and private keys, and reading a key made by the independent signer.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { promisify } from "node:util";
import { KeyFormatError } from "../../src/sign/errors.js";
import {
  encryptPrivateKey,
  generateSigningKey,
  keyAlgorithm,
  LEGACY_COSIGN_KEY_PEM,
  parsePemBlocks,
  publicKeyPem,
  readPrivateKey,
  readPublicKey,
} from "../../src/sign/key-format.js";
import { readKeysFromSecretFile } from "../../src/sign/key-secret.js";
import { signBytes, verifyBytes } from "../../src/sign/signature-algorithm.js";
import { registryEnv } from "../support/registry-env.js";
import { repoRoot } from "../support/shared.js";

const fixture = (name: string) => join(repoRoot, "test/fixtures/sign", name);
const pw = async () => "s3cret";

describe("cosign.key format", () => {
  it("encrypts as ENCRYPTED SIGSTORE PRIVATE KEY with scrypt N=32768 r=8 p=1 and nacl/secretbox", async () => {
    const { privateKey } = generateSigningKey();
    const pem = await encryptPrivateKey(privateKey, "s3cret");
    const [block] = parsePemBlocks(pem);
    assert.equal(block.type, "ENCRYPTED SIGSTORE PRIVATE KEY");
    const doc = JSON.parse(block.der.toString());
    assert.deepEqual(Object.keys(doc), ["kdf", "cipher", "ciphertext"]);
    assert.deepEqual(doc.kdf.params, { N: 32768, r: 8, p: 1 });
    assert.equal(doc.kdf.name, "scrypt");
    assert.equal(Buffer.from(doc.kdf.salt, "base64").length, 32);
    assert.equal(doc.cipher.name, "nacl/secretbox");
    assert.equal(Buffer.from(doc.cipher.nonce, "base64").length, 24);
    const back = await readPrivateKey(pem, "k", pw);
    assert.equal(publicKeyPem(back), publicKeyPem(privateKey));
    assert.equal(keyAlgorithm(back), "ecdsa-p256");
  });

  it("refuses a wrong password with KEY_WRONG_PASSWORD", async () => {
    const pem = await encryptPrivateKey(generateSigningKey().privateKey, "right");
    await assert.rejects(
      readPrivateKey(pem, "cosign.key", async () => "wrong"),
      (e: unknown) => {
        assert.ok(e instanceof KeyFormatError);
        assert.equal(e.code, "KEY_WRONG_PASSWORD");
        assert.match(e.message, /^cosign\.key: decryption failed/);
        return true;
      },
    );
  });

  it("reads the legacy ENCRYPTED COSIGN PRIVATE KEY type", async () => {
    const { privateKey } = generateSigningKey();
    const pem = await encryptPrivateKey(privateKey, "s3cret", LEGACY_COSIGN_KEY_PEM);
    assert.match(pem, /BEGIN ENCRYPTED COSIGN PRIVATE KEY/);
    assert.equal(publicKeyPem(await readPrivateKey(pem, "k", pw)), publicKeyPem(privateKey));
  });

  for (const [file, alg] of [
    ["ec-sec1.pem", "ecdsa-p256"],
    ["rsa-pkcs8.pem", "rsa"],
    ["rsa-pkcs1.pem", "rsa"],
    ["ed25519.pem", "ed25519"],
  ] as const) {
    it(`imports plain ${file} (${alg}), re-encrypts it and signs/verifies`, async () => {
      const plain = await readPrivateKey(readFileSync(fixture(file), "utf8"), file, async () => {
        throw new Error("a plain key needs no password");
      });
      assert.equal(keyAlgorithm(plain), alg);
      const enc = await readPrivateKey(await encryptPrivateKey(plain, "x"), file, async () => "x");
      const pub = readPublicKey(publicKeyPem(enc), "pub");
      const sig = signBytes(enc, Buffer.from("payload"));
      assert.equal(verifyBytes(pub, Buffer.from("payload"), sig), true);
      assert.equal(verifyBytes(pub, Buffer.from("payloaD"), sig), false);
      // The public key can also be read from the private PEM itself.
      assert.equal(publicKeyPem(readPublicKey(readFileSync(fixture(file), "utf8"), file)), publicKeyPem(pub));
    });
  }

  it("explains what is wrong with a non-key file and an encrypted key given as public key", async () => {
    await assert.rejects(readPrivateKey("hello", "notes.txt", pw), /notes\.txt: no PEM block found/);
    const pem = await encryptPrivateKey(generateSigningKey().privateKey, "x");
    assert.throws(() => readPublicKey(pem, "cosign.key"), /verify with the public key/);
  });

  it("reads cosign.pub from a Kubernetes Secret (data and stringData) and says when it is absent", () => {
    const dir = mkdtempSync(join(tmpdir(), "portcullis-secret-"));
    const a = publicKeyPem(generateSigningKey().publicKey);
    const b = publicKeyPem(generateSigningKey().publicKey);
    const file = join(dir, "secret.yaml");
    writeFileSync(
      file,
      `apiVersion: v1\nkind: Secret\nmetadata: {name: signing, namespace: ci}\ndata:\n  cosign.pub: ${Buffer.from(a).toString("base64")}\n---\napiVersion: v1\nkind: Secret\nmetadata: {name: other}\nstringData:\n  cosign.pub: |\n${b
        .trim()
        .split("\n")
        .map((l) => `    ${l}`)
        .join("\n")}\n`,
    );
    const keys = readKeysFromSecretFile(file);
    assert.deepEqual(
      keys.map((k) => k.name),
      ["secret ci/signing (cosign.pub)", "secret other (cosign.pub)"],
    );
    assert.equal(publicKeyPem(keys[0].key), a);
    assert.equal(publicKeyPem(keys[1].key), b);
    writeFileSync(join(dir, "empty.yaml"), "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: x}\n");
    assert.throws(
      () => readKeysFromSecretFile(join(dir, "empty.yaml")),
      /no Secret with a data or stringData entry "cosign\.pub"/,
    );
  });

  it("CLI key generate writes 0600 files that the independent signer reads", {
    skip: !registryEnv,
  }, async () => {
    const dir = mkdtempSync(join(tmpdir(), "portcullis-keygen-"));
    const run = promisify(execFile);
    await run(
      process.execPath,
      [
        "--import",
        "tsx",
        join(repoRoot, "src/cli/main.ts"),
        "key",
        "generate",
        "--output-key-prefix",
        join(dir, "cosign"),
      ],
      {
        cwd: repoRoot,
        env: { ...process.env, PORTCULLIS_PASSWORD: "pw123" },
      },
    );
    assert.equal(statSync(join(dir, "cosign.key")).mode & 0o777, 0o600);
    assert.equal(statSync(join(dir, "cosign.pub")).mode & 0o777, 0o600);
    const key = await readPrivateKey(
      readFileSync(join(dir, "cosign.key"), "utf8"),
      "cosign.key",
      async () => "pw123",
    );
    assert.equal(publicKeyPem(key), readFileSync(join(dir, "cosign.pub"), "utf8"));
    // The Python signer decrypts it too (it signs a payload with it via generate → sign is in registry.test.ts;
    // here: its own key file is read by us).
    writeFileSync(join(dir, "pw"), "pw123");
    await run(registryEnv?.cosignCompat as string, [
      "generate-key-pair",
      "--prefix",
      join(dir, "py"),
      "--password-file",
      join(dir, "pw"),
    ]);
    const py = await readPrivateKey(readFileSync(join(dir, "py.key"), "utf8"), "py.key", async () => "pw123");
    assert.equal(publicKeyPem(py), readFileSync(join(dir, "py.pub"), "utf8"));
  });
});
