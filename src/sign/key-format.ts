/**
 * Key formats, as cosign writes and reads them. Not for signing payloads or registry storage.
 *
 * - `cosign.key`: PEM block `ENCRYPTED SIGSTORE PRIVATE KEY` (cosign ≥ 2; the legacy
 *   `ENCRYPTED COSIGN PRIVATE KEY` is read too) whose body is the JSON of go-securesystemslib's
 *   encrypted format: `{"kdf":{"name":"scrypt","params":{"N","r","p"},"salt"},
 *   "cipher":{"name":"nacl/secretbox","nonce"},"ciphertext"}` (byte fields base64), the
 *   secretbox key being scrypt(password, salt, 32 bytes) and the plaintext the PKCS#8 DER key.
 * - `cosign.pub`: PKIX `PUBLIC KEY` PEM.
 * - Plain PEM private keys (`EC PRIVATE KEY`, `PRIVATE KEY`, `RSA PRIVATE KEY`) for import,
 *   and public keys taken from a `PUBLIC KEY` PEM, a certificate or a private key.
 */
import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  type KeyObject,
  randomBytes,
  scrypt,
} from "node:crypto";
import nacl from "tweetnacl";
import { KeyFormatError } from "./errors.js";

export const SIGSTORE_KEY_PEM = "ENCRYPTED SIGSTORE PRIVATE KEY";
export const LEGACY_COSIGN_KEY_PEM = "ENCRYPTED COSIGN PRIVATE KEY";
const ENCRYPTED_TYPES = [SIGSTORE_KEY_PEM, LEGACY_COSIGN_KEY_PEM];
const PLAIN_PRIVATE_TYPES = ["EC PRIVATE KEY", "PRIVATE KEY", "RSA PRIVATE KEY"];

/** cosign's scrypt parameters (go-securesystemslib `encrypted` defaults). */
export const SCRYPT_PARAMS = { N: 32768, r: 8, p: 1 } as const;

export interface PemBlock {
  type: string;
  der: Buffer;
}

/** The PEM blocks in a text, in order. */
export function parsePemBlocks(text: string): PemBlock[] {
  const blocks: PemBlock[] = [];
  const re = /-----BEGIN ([A-Z0-9 ]+)-----([\s\S]*?)-----END \1-----/g;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const body = m[2]
      .split(/\r?\n/)
      .filter((l) => l.trim() !== "" && !l.includes(":"))
      .join("");
    blocks.push({ type: m[1], der: Buffer.from(body, "base64") });
  }
  return blocks;
}

export function toPem(type: string, der: Uint8Array): string {
  const b64 = Buffer.from(der).toString("base64");
  const lines = b64.match(/.{1,64}/g) ?? [];
  return `-----BEGIN ${type}-----\n${lines.join("\n")}\n-----END ${type}-----\n`;
}

/** The algorithms cosign keys come in. */
export type KeyAlgorithm = "ecdsa-p256" | "ecdsa-p384" | "ecdsa-p521" | "rsa" | "ed25519";

export function keyAlgorithm(key: KeyObject, source = "key"): KeyAlgorithm {
  const type = key.asymmetricKeyType;
  if (type === "ec") {
    const curve = key.asymmetricKeyDetails?.namedCurve;
    if (curve === "prime256v1" || curve === "P-256") return "ecdsa-p256";
    if (curve === "secp384r1" || curve === "P-384") return "ecdsa-p384";
    if (curve === "secp521r1" || curve === "P-521") return "ecdsa-p521";
    throw new KeyFormatError("KEY_UNSUPPORTED", source, `unsupported EC curve ${curve ?? "(unknown)"}`);
  }
  if (type === "rsa") return "rsa";
  if (type === "ed25519") return "ed25519";
  throw new KeyFormatError(
    "KEY_UNSUPPORTED",
    source,
    `unsupported key type ${type ?? "(unknown)"}; expected ECDSA, RSA or Ed25519`,
  );
}

/** A fresh ECDSA P-256 key pair, as `cosign generate-key-pair` makes. */
export function generateSigningKey(): { privateKey: KeyObject; publicKey: KeyObject } {
  return generateKeyPairSync("ec", { namedCurve: "P-256" });
}

function scryptKey(password: Buffer, salt: Buffer, p: { N: number; r: number; p: number }): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    // maxmem: 128 * N * r * p bytes plus slack; N=32768 needs 32 MiB.
    const maxmem = 128 * p.N * p.r * p.p + (32 << 20);
    scrypt(password, salt, 32, { N: p.N, r: p.r, p: p.p, maxmem }, (err, key) =>
      err ? reject(err) : resolve(key),
    );
  });
}

/** Encrypt a private key as cosign does (PEM `ENCRYPTED SIGSTORE PRIVATE KEY`). */
export async function encryptPrivateKey(
  privateKey: KeyObject,
  password: string | Buffer,
  pemType: string = SIGSTORE_KEY_PEM,
): Promise<string> {
  keyAlgorithm(privateKey);
  const der = privateKey.export({ format: "der", type: "pkcs8" });
  const salt = randomBytes(32);
  const nonce = randomBytes(nacl.secretbox.nonceLength);
  const key = await scryptKey(Buffer.from(password), salt, SCRYPT_PARAMS);
  const ciphertext = nacl.secretbox(new Uint8Array(der), new Uint8Array(nonce), new Uint8Array(key));
  const body = JSON.stringify({
    kdf: { name: "scrypt", params: { ...SCRYPT_PARAMS }, salt: salt.toString("base64") },
    cipher: { name: "nacl/secretbox", nonce: nonce.toString("base64") },
    ciphertext: Buffer.from(ciphertext).toString("base64"),
  });
  return toPem(pemType, Buffer.from(body));
}

interface EncryptedKeyJson {
  kdf?: { name?: string; params?: { N?: number; r?: number; p?: number }; salt?: string };
  cipher?: { name?: string; nonce?: string };
  ciphertext?: string;
}

function isPositiveInt(n: unknown): n is number {
  return typeof n === "number" && Number.isInteger(n) && n > 0;
}

/** Decrypt the body of an `ENCRYPTED SIGSTORE/COSIGN PRIVATE KEY` block. */
export async function decryptPrivateKey(
  block: PemBlock,
  password: string | Buffer,
  source: string,
): Promise<KeyObject> {
  let doc: EncryptedKeyJson;
  try {
    doc = JSON.parse(block.der.toString("utf8")) as EncryptedKeyJson;
  } catch {
    throw new KeyFormatError("KEY_BAD_ENCRYPTION", source, `${block.type} body is not JSON`);
  }
  const params = doc.kdf?.params;
  if (doc.kdf?.name !== "scrypt" || !params || typeof doc.kdf.salt !== "string")
    throw new KeyFormatError(
      "KEY_BAD_ENCRYPTION",
      source,
      `unsupported KDF ${JSON.stringify(doc.kdf?.name)}; expected "scrypt" with params N, r, p and a salt`,
    );
  if (!isPositiveInt(params.N) || !isPositiveInt(params.r) || !isPositiveInt(params.p) || params.N > 1 << 20)
    throw new KeyFormatError("KEY_BAD_ENCRYPTION", source, "scrypt params N, r, p must be positive integers");
  if (doc.cipher?.name !== "nacl/secretbox" || typeof doc.cipher.nonce !== "string")
    throw new KeyFormatError(
      "KEY_BAD_ENCRYPTION",
      source,
      `unsupported cipher ${JSON.stringify(doc.cipher?.name)}; expected "nacl/secretbox" with a nonce`,
    );
  if (typeof doc.ciphertext !== "string")
    throw new KeyFormatError("KEY_BAD_ENCRYPTION", source, "ciphertext missing");
  const nonce = Buffer.from(doc.cipher.nonce, "base64");
  if (nonce.length !== nacl.secretbox.nonceLength)
    throw new KeyFormatError(
      "KEY_BAD_ENCRYPTION",
      source,
      `nonce must be ${nacl.secretbox.nonceLength} bytes`,
    );
  const key = await scryptKey(Buffer.from(password), Buffer.from(doc.kdf.salt, "base64"), {
    N: params.N,
    r: params.r,
    p: params.p,
  });
  const plain = nacl.secretbox.open(
    new Uint8Array(Buffer.from(doc.ciphertext, "base64")),
    new Uint8Array(nonce),
    new Uint8Array(key),
  );
  if (!plain) throw new KeyFormatError("KEY_WRONG_PASSWORD", source, "decryption failed: wrong password?");
  let priv: KeyObject;
  try {
    priv = createPrivateKey({ key: Buffer.from(plain), format: "der", type: "pkcs8" });
  } catch {
    throw new KeyFormatError("KEY_BAD_ENCRYPTION", source, "decrypted data is not a PKCS#8 private key");
  }
  keyAlgorithm(priv, source);
  return priv;
}

/** Whether this PEM text holds a cosign-encrypted private key (needs a password). */
export function isEncryptedCosignKey(text: string): boolean {
  return parsePemBlocks(text).some((b) => ENCRYPTED_TYPES.includes(b.type));
}

/**
 * Read a private key: a cosign-encrypted one (password required) or a plain PEM EC, RSA or
 * Ed25519 key. `password` is only asked for (called) when the key is encrypted.
 */
export async function readPrivateKey(
  text: string,
  source: string,
  password: () => Promise<string | Buffer>,
): Promise<KeyObject> {
  const blocks = parsePemBlocks(text);
  if (blocks.length === 0)
    throw new KeyFormatError(
      "KEY_NOT_PEM",
      source,
      "no PEM block found; expected a cosign.key or PEM private key",
    );
  const enc = blocks.find((b) => ENCRYPTED_TYPES.includes(b.type));
  if (enc) return decryptPrivateKey(enc, await password(), source);
  const plain = blocks.find((b) => PLAIN_PRIVATE_TYPES.includes(b.type));
  if (!plain) {
    const types = blocks.map((b) => b.type).join(", ");
    throw new KeyFormatError(
      "KEY_UNSUPPORTED",
      source,
      `found PEM ${types}; expected ${SIGSTORE_KEY_PEM}, EC PRIVATE KEY, PRIVATE KEY or RSA PRIVATE KEY`,
    );
  }
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: toPem(plain.type, plain.der), format: "pem" });
  } catch (err) {
    throw new KeyFormatError(
      "KEY_UNSUPPORTED",
      source,
      `cannot parse ${plain.type}: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
  keyAlgorithm(key, source);
  return key;
}

/** Read a public key from a `PUBLIC KEY` PEM, a certificate, or a plain private key PEM. */
export function readPublicKey(text: string, source: string): KeyObject {
  const blocks = parsePemBlocks(text);
  const block =
    blocks.find((b) => b.type === "PUBLIC KEY") ??
    blocks.find((b) => b.type === "CERTIFICATE") ??
    blocks.find((b) => b.type === "RSA PUBLIC KEY") ??
    blocks.find((b) => PLAIN_PRIVATE_TYPES.includes(b.type));
  if (!block) {
    if (blocks.some((b) => ENCRYPTED_TYPES.includes(b.type)))
      throw new KeyFormatError(
        "KEY_UNSUPPORTED",
        source,
        "this is an encrypted private key; verify with the public key (cosign.pub)",
      );
    throw new KeyFormatError("KEY_NOT_PEM", source, "no PUBLIC KEY PEM block found");
  }
  let key: KeyObject;
  try {
    key = createPublicKey({ key: toPem(block.type, block.der), format: "pem" });
  } catch (err) {
    throw new KeyFormatError(
      "KEY_UNSUPPORTED",
      source,
      `cannot parse ${block.type}: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
  keyAlgorithm(key, source);
  return key;
}

export function publicKeyPem(key: KeyObject): string {
  const pub = key.type === "private" ? createPublicKey(key) : key;
  return pub.export({ format: "pem", type: "spki" }).toString();
}

/** A short, stable id of a public key: sha256 of its SubjectPublicKeyInfo DER. */
export function keyFingerprint(key: KeyObject): string {
  const pub = key.type === "private" ? createPublicKey(key) : key;
  const der = pub.export({ format: "der", type: "spki" });
  return `sha256:${createHash("sha256").update(der).digest("hex")}`;
}
