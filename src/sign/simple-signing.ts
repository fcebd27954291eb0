/**
 * The simple-signing payload that a cosign image signature signs:
 * `{"critical":{"identity":{"docker-reference"},"image":{"docker-manifest-digest"},"type"},"optional"}`.
 * Building writes the fields in cosign's order (byte-compatible with what cosign emits); parsing
 * checks the shape and returns the claims. Matching those claims against an image is policy
 * (./verify-policy.ts), not here.
 */
import { SignatureFormatError } from "./errors.js";
import { ambiguity } from "./strict-json.js";

export const SIMPLE_SIGNING_MEDIA_TYPE = "application/vnd.dev.cosign.simplesigning.v1+json";
export const COSIGN_SIGNATURE_TYPE = "cosign container image signature";
/** The predicate type cosign v3 uses for image signatures in bundles; also seen as `critical.type`. */
export const COSIGN_SIGN_PREDICATE_TYPE = "https://sigstore.dev/cosign/sign/v1";

export interface SimpleSigningClaims {
  dockerReference: string;
  manifestDigest: string;
  type: string;
  /** The `optional` object (annotations, creator, timestamp …), or null. */
  optional: Record<string, unknown> | null;
}

export function buildSimpleSigningPayload(opts: {
  dockerReference: string;
  manifestDigest: string;
  annotations?: Record<string, string>;
}): Buffer {
  const optional = opts.annotations && Object.keys(opts.annotations).length > 0 ? opts.annotations : null;
  const doc = {
    critical: {
      identity: { "docker-reference": opts.dockerReference },
      image: { "docker-manifest-digest": opts.manifestDigest },
      type: COSIGN_SIGNATURE_TYPE,
    },
    optional,
  };
  return Buffer.from(JSON.stringify(doc));
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

export function parseSimpleSigningPayload(bytes: Uint8Array): SimpleSigningClaims {
  let doc: unknown;
  try {
    doc = JSON.parse(Buffer.from(bytes).toString("utf8"));
  } catch {
    throw new SignatureFormatError("PAYLOAD_NOT_JSON", "simple-signing payload is not JSON");
  }
  if (!isObject(doc) || !isObject(doc.critical))
    throw new SignatureFormatError("PAYLOAD_BAD_SHAPE", "simple-signing payload has no `critical` object");
  const c = doc.critical;
  const ambiguous = ambiguity([
    ["payload", doc],
    ["critical", c],
    ["critical.identity", c.identity],
    ["critical.image", c.image],
  ]);
  if (ambiguous) throw new SignatureFormatError("PAYLOAD_BAD_SHAPE", ambiguous);
  const ref = isObject(c.identity) ? c.identity["docker-reference"] : undefined;
  const digest = isObject(c.image) ? c.image["docker-manifest-digest"] : undefined;
  if (typeof ref !== "string")
    throw new SignatureFormatError("PAYLOAD_BAD_SHAPE", "payload lacks critical.identity.docker-reference");
  if (typeof digest !== "string")
    throw new SignatureFormatError(
      "PAYLOAD_BAD_SHAPE",
      "payload lacks critical.image.docker-manifest-digest",
    );
  if (typeof c.type !== "string")
    throw new SignatureFormatError("PAYLOAD_BAD_SHAPE", "payload lacks critical.type");
  const optional = isObject(doc.optional) ? doc.optional : null;
  return { dockerReference: ref, manifestDigest: digest, type: c.type, optional };
}
