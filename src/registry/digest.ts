/** Content digests (`sha256:<hex>`, `sha512:<hex>`): computing, validating, comparing. */
import { createHash, type Hash } from "node:crypto";

const DIGEST = /^(sha256|sha512):([a-f0-9]+)$/;
const HEX_LENGTH: Record<string, number> = { sha256: 64, sha512: 128 };

export function isDigest(s: string): boolean {
  const m = DIGEST.exec(s);
  return m !== null && m[2].length === HEX_LENGTH[m[1]];
}

export function digestAlgorithm(digest: string): "sha256" | "sha512" {
  const m = DIGEST.exec(digest);
  if (!m || m[2].length !== HEX_LENGTH[m[1]])
    throw new RangeError(`invalid digest ${JSON.stringify(digest)}`);
  return m[1] as "sha256" | "sha512";
}

export function digestOf(data: Buffer | Uint8Array, algorithm: "sha256" | "sha512" = "sha256"): string {
  return `${algorithm}:${createHash(algorithm).update(data).digest("hex")}`;
}

export function hasherFor(digest: string): Hash {
  return createHash(digestAlgorithm(digest));
}
