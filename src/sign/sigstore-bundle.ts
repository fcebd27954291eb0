/**
 * Sigstore bundles (v0.3, `application/vnd.dev.sigstore.bundle.v0.3+json`, as cosign v3 stores
 * them as referrers): building a key-based bundle around a DSSE envelope, and verifying one.
 *
 * Key-based bundles (`verificationMaterial.publicKey`) are verified fully offline with the
 * trusted keys. Bundles with a certificate (Fulcio) and transparency-log entries are verified with
 * @sigstore/verify against a trusted root the caller read from a file (never fetched); the
 * image claims inside are then checked by the same policy as every other signature.
 */
import { createHash, type KeyObject } from "node:crypto";
import { readFileSync } from "node:fs";
import { bundleFromJSON } from "@sigstore/bundle";
import { TrustedRoot } from "@sigstore/protobuf-specs";
import { toSignedEntity, toTrustMaterial, Verifier } from "@sigstore/verify";
import type { DsseEnvelope } from "./dsse.js";
import { parseEnvelope } from "./dsse.js";
import { decodeBase64Strict, verifyBytes } from "./signature-algorithm.js";
import {
  type ImageSubject,
  type SignatureVerdict,
  type TrustPolicy,
  verifyEnvelopeFor,
} from "./verify-policy.js";

export const BUNDLE_V03_MEDIA_TYPE = "application/vnd.dev.sigstore.bundle.v0.3+json";
const BUNDLE_MEDIA_TYPE_RE =
  /^application\/vnd\.dev\.sigstore\.bundle(\.v0\.[1-3])?\+json(;version=0\.[1-3])?$/;

export function isBundleMediaType(mediaType: string): boolean {
  return BUNDLE_MEDIA_TYPE_RE.test(mediaType);
}

/** The key hint cosign-style bundles carry: base64 of the SHA-256 of the SubjectPublicKeyInfo. */
export function publicKeyHint(key: KeyObject): string {
  const der = key.export({ format: "der", type: "spki" });
  return createHash("sha256").update(der).digest("base64");
}

/** A key-based bundle around a signed DSSE envelope (no transparency-log entry: offline). */
export function buildKeyBundle(envelope: DsseEnvelope, publicKey: KeyObject): Record<string, unknown> {
  return {
    mediaType: BUNDLE_V03_MEDIA_TYPE,
    verificationMaterial: {
      publicKey: { hint: publicKeyHint(publicKey) },
      tlogEntries: [],
      timestampVerificationData: { rfc3161Timestamps: [] },
    },
    dsseEnvelope: {
      payload: envelope.payload,
      payloadType: envelope.payloadType,
      signatures: envelope.signatures.map((s) => ({ sig: s.sig, keyid: s.keyid ?? "" })),
    },
  };
}

/** A trusted root (sigstore `trusted_root.json`) read from a file the user gave. */
export function readTrustedRoot(file: string): unknown {
  return JSON.parse(readFileSync(file, "utf8"));
}

interface BundleJson {
  mediaType?: string;
  verificationMaterial?: {
    publicKey?: { hint?: string };
    certificate?: unknown;
    x509CertificateChain?: unknown;
    tlogEntries?: unknown[];
  };
  dsseEnvelope?: unknown;
  messageSignature?: { messageDigest?: { algorithm?: string; digest?: string }; signature?: string };
}

/**
 * Verify one bundle for an image. `manifestBytes` (the image manifest) is needed only for
 * message-signature bundles, whose signature is over the manifest itself.
 */
export function verifyBundle(
  source: string,
  bundleBytes: Uint8Array,
  image: ImageSubject,
  policy: TrustPolicy,
  opts: { predicateType?: string; manifestBytes?: Uint8Array; trustedRoot?: unknown } = {},
): SignatureVerdict {
  const refuse = (reason: string): SignatureVerdict => ({ source, verified: false, reason });
  let doc: BundleJson;
  try {
    doc = JSON.parse(Buffer.from(bundleBytes).toString("utf8")) as BundleJson;
  } catch {
    return refuse("sigstore bundle is not JSON");
  }
  if (typeof doc?.mediaType !== "string" || !isBundleMediaType(doc.mediaType))
    return refuse(`not a sigstore bundle (mediaType ${JSON.stringify(doc?.mediaType)})`);
  const vm = doc.verificationMaterial;
  if (!vm) return refuse("bundle has no verificationMaterial");

  let keyPolicy = policy;
  if (!vm.publicKey) {
    // Certificate bundle: chain, transparency log and identity via @sigstore/verify.
    if (!opts.trustedRoot)
      return refuse("bundle carries a certificate: give --trusted-root FILE to verify it (never fetched)");
    try {
      const bundle = bundleFromJSON(doc);
      const material = toTrustMaterial(TrustedRoot.fromJSON(opts.trustedRoot));
      const verifier = new Verifier(material);
      const id = policy.certificate;
      const signer = verifier.verify(
        toSignedEntity(bundle, doc.messageSignature ? Buffer.from(opts.manifestBytes ?? []) : undefined),
        {
          subjectAlternativeName: id?.subjectEmail ?? id?.subjectHostname,
          extensions: id?.oidcIssuer ? { issuer: id.oidcIssuer } : undefined,
        },
      );
      keyPolicy = { ...policy, keys: [{ name: "bundle certificate (trusted root)", key: signer.key }] };
    } catch (err) {
      return refuse(
        `bundle does not verify against the trusted root: ${err instanceof Error ? err.message : String(err)}`,
      );
    }
  }

  if (doc.dsseEnvelope) {
    let env: DsseEnvelope;
    try {
      env = parseEnvelope(doc.dsseEnvelope);
    } catch (err) {
      return refuse(err instanceof Error ? err.message : String(err));
    }
    return verifyEnvelopeFor(source, env, image, keyPolicy, opts.predicateType);
  }
  if (doc.messageSignature) {
    const ms = doc.messageSignature;
    if (opts.predicateType)
      return refuse(`message-signature bundle is not a ${opts.predicateType} attestation`);
    if (ms.messageDigest?.algorithm !== "SHA2_256" || typeof ms.messageDigest.digest !== "string")
      return refuse("message-signature bundle lacks a SHA2_256 message digest");
    const digestHex = decodeBase64Strict(ms.messageDigest.digest)?.toString("hex");
    if (`sha256:${digestHex}` !== image.digest)
      return refuse(
        `signature is for another digest: bundle names sha256:${digestHex}, image is ${image.digest}`,
      );
    const sig = decodeBase64Strict(ms.signature ?? "");
    if (!sig) return refuse("message signature is not valid base64");
    if (!opts.manifestBytes) return refuse("manifest bytes unavailable for a message-signature bundle");
    for (const k of keyPolicy.keys ?? [])
      if (verifyBytes(k.key, opts.manifestBytes, sig))
        return { source, verified: true, reason: `verified with ${k.name}`, signer: k.name };
    return refuse("message signature does not verify with any trusted key");
  }
  return refuse("bundle has neither dsseEnvelope nor messageSignature");
}
