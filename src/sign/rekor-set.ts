/**
 * Rekor signed entry timestamps (SET), as cosign stores them in the signature-layer annotation
 * `dev.sigstore.cosign/bundle`: `{"SignedEntryTimestamp", "Payload":{"body","integratedTime",
 * "logIndex","logID"}}`. The SET is the Rekor key's signature over the canonical JSON of
 * `Payload` (keys sorted); the body is a `hashedrekord` entry that must name the same payload
 * hash, signature and signing key as the layer. Verified offline against given Rekor keys; no
 * log is contacted.
 */
import { createHash, createPublicKey, type KeyObject } from "node:crypto";
import { decodeBase64Strict, verifyBytes } from "./signature-algorithm.js";

export const REKOR_BUNDLE_ANNOTATION = "dev.sigstore.cosign/bundle";

export interface RekorSetCheck {
  ok: boolean;
  reason?: string;
  /** Seconds since the epoch at which the entry was logged (when ok). */
  integratedTime?: number;
}

interface RekorBundleJson {
  SignedEntryTimestamp?: unknown;
  Payload?: { body?: unknown; integratedTime?: unknown; logIndex?: unknown; logID?: unknown };
}

function canonicalPayload(p: {
  body: string;
  integratedTime: number;
  logIndex: number;
  logID: string;
}): Buffer {
  // Keys in sorted order, no spaces: the RFC 8785 form for this all-string/integer object.
  return Buffer.from(
    `{"body":${JSON.stringify(p.body)},"integratedTime":${p.integratedTime},"logID":${JSON.stringify(p.logID)},"logIndex":${p.logIndex}}`,
  );
}

/**
 * Check a cosign Rekor bundle annotation for one signature layer.
 * `signingKey` is the public key that verified the layer's signature (from a key file or the
 * certificate); the entry must carry that same key (as a PUBLIC KEY or CERTIFICATE PEM).
 */
export function verifyRekorSet(opts: {
  annotation: string | undefined;
  rekorKeys: KeyObject[];
  payload: Uint8Array;
  signatureB64: string;
  signingKey: KeyObject;
}): RekorSetCheck {
  if (opts.annotation === undefined)
    return { ok: false, reason: `Rekor SET required but annotation ${REKOR_BUNDLE_ANNOTATION} is missing` };
  let doc: RekorBundleJson;
  try {
    doc = JSON.parse(opts.annotation) as RekorBundleJson;
  } catch {
    return { ok: false, reason: `annotation ${REKOR_BUNDLE_ANNOTATION} is not valid JSON` };
  }
  const p = doc?.Payload;
  if (
    typeof doc?.SignedEntryTimestamp !== "string" ||
    !p ||
    typeof p.body !== "string" ||
    typeof p.integratedTime !== "number" ||
    typeof p.logIndex !== "number" ||
    typeof p.logID !== "string"
  )
    return {
      ok: false,
      reason: "Rekor SET lacks SignedEntryTimestamp or Payload{body,integratedTime,logIndex,logID}",
    };
  const set = decodeBase64Strict(doc.SignedEntryTimestamp);
  if (!set) return { ok: false, reason: "Rekor SignedEntryTimestamp is not valid base64" };
  const message = canonicalPayload({
    body: p.body,
    integratedTime: p.integratedTime,
    logIndex: p.logIndex,
    logID: p.logID,
  });
  const rekorKey = opts.rekorKeys.find((k) => {
    const der = k.export({ format: "der", type: "spki" });
    return createHash("sha256").update(der).digest("hex") === p.logID && verifyBytes(k, message, set);
  });
  if (!rekorKey) return { ok: false, reason: "Rekor SET does not verify with any trusted Rekor key" };

  // The logged entry must be about this very signature.
  const bodyBytes = decodeBase64Strict(p.body);
  let body: {
    kind?: string;
    spec?: {
      data?: { hash?: { algorithm?: string; value?: string } };
      signature?: { content?: string; publicKey?: { content?: string } };
    };
  };
  try {
    body = JSON.parse(bodyBytes?.toString("utf8") ?? "");
  } catch {
    return { ok: false, reason: "Rekor entry body is not JSON" };
  }
  if (body.kind !== "hashedrekord") return { ok: false, reason: `unsupported Rekor entry kind ${body.kind}` };
  const hash = body.spec?.data?.hash;
  const payloadHash = createHash("sha256").update(opts.payload).digest("hex");
  if (hash?.algorithm !== "sha256" || hash.value !== payloadHash)
    return { ok: false, reason: "Rekor entry hash does not match the signed payload" };
  const loggedSig = decodeBase64Strict(body.spec?.signature?.content ?? "");
  const layerSig = decodeBase64Strict(opts.signatureB64);
  if (!loggedSig || !layerSig || !loggedSig.equals(layerSig))
    return { ok: false, reason: "Rekor entry signature differs from the layer's signature" };
  const loggedKeyPem = decodeBase64Strict(body.spec?.signature?.publicKey?.content ?? "");
  if (!loggedKeyPem) return { ok: false, reason: "Rekor entry has no public key" };
  try {
    const logged = createPublicKey(loggedKeyPem.toString("utf8"));
    const a = logged.export({ format: "der", type: "spki" });
    const b = opts.signingKey.export({ format: "der", type: "spki" });
    if (!a.equals(b)) return { ok: false, reason: "Rekor entry names another signing key" };
  } catch {
    return { ok: false, reason: "Rekor entry public key cannot be parsed" };
  }
  return { ok: true, integratedTime: p.integratedTime };
}
