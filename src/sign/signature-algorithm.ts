/**
 * Raw signing and verification over bytes, with the hash cosign pairs with each key type:
 * ECDSA (ASN.1 DER signature) and RSA PKCS#1 v1.5 over SHA-256, Ed25519 over the message itself.
 * Not for payload or envelope formats (./simple-signing.ts, ./dsse.ts).
 */
import { type KeyObject, sign, verify } from "node:crypto";
import { keyAlgorithm } from "./key-format.js";

function hashFor(key: KeyObject): string | null {
  return keyAlgorithm(key) === "ed25519" ? null : "sha256";
}

export function signBytes(privateKey: KeyObject, data: Uint8Array): Buffer {
  return sign(hashFor(privateKey), data, privateKey);
}

/** True when `signature` is a valid signature of `data` by `publicKey`; never throws on bad input. */
export function verifyBytes(publicKey: KeyObject, data: Uint8Array, signature: Uint8Array): boolean {
  try {
    return verify(hashFor(publicKey), data, publicKey, signature);
  } catch {
    return false;
  }
}

/**
 * Strict base64 decoding: undefined unless the text is standard base64 (line breaks allowed, as
 * Go's decoder allows them; any other stray character rejects it).
 */
export function decodeBase64Strict(text: string): Buffer | undefined {
  const t = text.replace(/\r?\n/g, "");
  if (t.length === 0 || t.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(t)) return undefined;
  const buf = Buffer.from(t, "base64");
  return buf.toString("base64") === t ? buf : undefined;
}
