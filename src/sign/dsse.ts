/**
 * DSSE (Dead Simple Signing Envelope): the pre-authentication encoding (PAE) and envelopes
 * signed with a key. Used for in-toto attestations and sigstore bundles. Knows nothing of what
 * the payload means (./in-toto.ts) or where the envelope is stored (./registry-layout.ts).
 */
import type { KeyObject } from "node:crypto";
import { SignatureFormatError } from "./errors.js";
import { decodeBase64Strict, signBytes, verifyBytes } from "./signature-algorithm.js";

export interface DsseSignature {
  keyid?: string;
  sig: string;
}

export interface DsseEnvelope {
  payloadType: string;
  /** base64 of the payload bytes. */
  payload: string;
  signatures: DsseSignature[];
}

/** PAE(type, body) = "DSSEv1" SP len(type) SP type SP len(body) SP body (lengths in bytes). */
export function pae(payloadType: string, payload: Uint8Array): Buffer {
  const type = Buffer.from(payloadType, "utf8");
  return Buffer.concat([
    Buffer.from(`DSSEv1 ${type.length} `),
    type,
    Buffer.from(` ${payload.length} `),
    Buffer.from(payload),
  ]);
}

export function signEnvelope(
  payloadType: string,
  payload: Uint8Array,
  privateKey: KeyObject,
  keyid = "",
): DsseEnvelope {
  const sig = signBytes(privateKey, pae(payloadType, payload));
  return {
    payloadType,
    payload: Buffer.from(payload).toString("base64"),
    signatures: [{ keyid, sig: sig.toString("base64") }],
  };
}

export function parseEnvelope(value: unknown): DsseEnvelope {
  const v = value as Partial<DsseEnvelope> | null;
  if (
    !v ||
    typeof v !== "object" ||
    typeof v.payloadType !== "string" ||
    typeof v.payload !== "string" ||
    !Array.isArray(v.signatures)
  )
    throw new SignatureFormatError(
      "ENVELOPE_BAD_SHAPE",
      "not a DSSE envelope (payloadType, payload, signatures)",
    );
  const signatures = v.signatures.filter(
    (s): s is DsseSignature => typeof s === "object" && s !== null && typeof s.sig === "string",
  );
  return { payloadType: v.payloadType, payload: v.payload, signatures };
}

/** The decoded payload bytes, or undefined when the base64 is malformed. */
export function envelopePayload(env: DsseEnvelope): Buffer | undefined {
  return decodeBase64Strict(env.payload);
}

/** Whether one of the envelope's signatures verifies with this key over PAE(payloadType, payload). */
export function verifyEnvelope(env: DsseEnvelope, publicKey: KeyObject): { ok: boolean; reason?: string } {
  const payload = envelopePayload(env);
  if (!payload) return { ok: false, reason: "DSSE payload is not valid base64" };
  if (env.signatures.length === 0) return { ok: false, reason: "DSSE envelope has no signatures" };
  const message = pae(env.payloadType, payload);
  let badBase64 = 0;
  for (const s of env.signatures) {
    const sig = decodeBase64Strict(s.sig);
    if (!sig) {
      badBase64++;
      continue;
    }
    if (verifyBytes(publicKey, message, sig)) return { ok: true };
  }
  return {
    ok: false,
    reason:
      badBase64 === env.signatures.length
        ? "DSSE signature is not valid base64"
        : "DSSE signature does not verify with this key",
  };
}
