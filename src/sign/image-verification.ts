/**
 * Verifying an image's signatures and attestations in a registry. The reference is resolved to
 * a digest once, and everything after that is by digest (a tag that moves is re-resolved on the
 * next run, never trusted). Signatures are gathered from every layout cosign writes (tag schema,
 * OCI 1.1 referrers via the API or the `sha256-<hex>` fallback tag, sigstore bundles) and each is
 * judged by ./verify-policy.ts. With `recursive`, an index and each platform manifest must verify.
 */
import { type DsseEnvelope, parseEnvelope } from "./dsse.js";
import { type ImageStore, type ResolvedImage, resolveImages } from "./image-signing.js";
import type { InTotoStatement } from "./in-toto.js";
import {
  COSIGN_SIG_ARTIFACT_TYPE,
  DSSE_MEDIA_TYPE,
  parseReferenceRepo,
  readReferrers,
  readTagLayers,
  type UnreadableLayer,
} from "./registry-layout.js";
import { isBundleMediaType, verifyBundle } from "./sigstore-bundle.js";
import { COSIGN_SIGN_PREDICATE_TYPE, SIMPLE_SIGNING_MEDIA_TYPE } from "./simple-signing.js";
import {
  type SignatureVerdict,
  type TrustPolicy,
  verifyEnvelopeFor,
  verifySignatureLayer,
} from "./verify-policy.js";

export interface VerifyOptions {
  policy: TrustPolicy;
  signatureRepo?: string;
  recursive?: boolean;
  /** sigstore trusted_root.json content, for certificate bundles (read from a file by the caller). */
  trustedRoot?: unknown;
}

export interface ImageVerification {
  /** The reference as given (or the child digest reference with `recursive`). */
  reference: string;
  digest: string;
  verified: boolean;
  verdicts: SignatureVerdict[];
  /** Layouts that were looked at, e.g. `tag sha256-….sig`, `referrers (fallback tag)`. */
  looked: string[];
}

function unreadableVerdicts(unreadable: UnreadableLayer[]): SignatureVerdict[] {
  return unreadable.map((u) => ({ source: u.source, verified: false, reason: u.error }));
}

function subjectMismatch(subjectDigest: string | undefined, digest: string): string | undefined {
  if (subjectDigest === undefined) return "referrer has no subject";
  return subjectDigest === digest
    ? undefined
    : `referrer subject is ${subjectDigest}, not the image ${digest}`;
}

async function verifyOne(
  store: ImageStore,
  img: ResolvedImage,
  given: string,
  opts: VerifyOptions,
  mode: { kind: "signature" } | { kind: "attestation"; predicateType?: string },
): Promise<ImageVerification & { statements: InTotoStatement[] }> {
  const subject = { reference: given, digest: img.digest };
  const repo = img.reference.with({ tag: undefined, digest: undefined });
  const sigRepo = opts.signatureRepo ? parseReferenceRepo(opts.signatureRepo) : repo;
  const verdicts: SignatureVerdict[] = [];
  const looked: string[] = [];
  const suffix = mode.kind === "signature" ? "sig" : "att";

  const tagged = await readTagLayers(store, sigRepo, img.digest, suffix);
  looked.push(
    `tag ${sigRepo.name}:${img.digest.replace(":", "-")}.${suffix}${tagged.found ? "" : " (none)"}`,
  );
  verdicts.push(...unreadableVerdicts(tagged.unreadable));
  for (const layer of tagged.layers) {
    if (mode.kind === "signature") {
      verdicts.push(verifySignatureLayer(layer, subject, opts.policy));
      continue;
    }
    verdicts.push(
      verifyDsseLayer(layer.source, layer.mediaType, layer.payload, subject, opts, mode.predicateType),
    );
  }

  const { artifacts, viaFallback, unreadable } = await readReferrers(store, repo, img.digest);
  verdicts.push(...unreadableVerdicts(unreadable));
  looked.push(
    `referrers of ${img.digest} (${viaFallback ? "fallback tag, no referrers API" : "referrers API"}): ${artifacts.length}`,
  );
  for (const a of artifacts) {
    const isBundle =
      isBundleMediaType(a.artifactType) || a.layers.some((l) => isBundleMediaType(l.mediaType));
    const isSig = a.artifactType === COSIGN_SIG_ARTIFACT_TYPE || a.artifactType === SIMPLE_SIGNING_MEDIA_TYPE;
    const isAtt = a.artifactType === DSSE_MEDIA_TYPE || a.layers.some((l) => l.mediaType === DSSE_MEDIA_TYPE);
    if (!isBundle && !(mode.kind === "signature" ? isSig : isAtt)) continue;
    if (isBundle) {
      // Bundles carry their predicate type in an annotation; skip those for the other verb.
      const pt = a.annotations["dev.sigstore.bundle.predicateType"];
      const isSignatureBundle = pt === undefined || pt === COSIGN_SIGN_PREDICATE_TYPE;
      if (mode.kind === "signature" ? !isSignatureBundle : pt === COSIGN_SIGN_PREDICATE_TYPE) continue;
      if (mode.kind === "attestation" && mode.predicateType && pt !== undefined && pt !== mode.predicateType)
        continue;
    }
    const mismatch = subjectMismatch(a.subjectDigest, img.digest);
    if (mismatch) {
      verdicts.push({ source: a.source, verified: false, reason: mismatch });
      continue;
    }
    verdicts.push(...unreadableVerdicts(a.unreadable));
    for (const layer of a.layers) {
      if (isBundleMediaType(layer.mediaType)) {
        verdicts.push(
          verifyBundle(layer.source, layer.payload, subject, opts.policy, {
            predicateType: mode.kind === "signature" ? undefined : mode.predicateType,
            manifestBytes: img.bytes,
            trustedRoot: opts.trustedRoot,
          }),
        );
      } else if (mode.kind === "signature") {
        verdicts.push(verifySignatureLayer(layer, subject, opts.policy));
      } else {
        verdicts.push(
          verifyDsseLayer(layer.source, layer.mediaType, layer.payload, subject, opts, mode.predicateType),
        );
      }
    }
  }
  // `--type X` leaves attestations of other predicate types out altogether, as cosign does:
  // they are neither failures nor printed (only counted in `looked`).
  if (mode.kind === "attestation" && mode.predicateType) {
    const want = mode.predicateType;
    const others = new Set<string>();
    for (let i = verdicts.length - 1; i >= 0; i--) {
      const pt = verdicts[i].statement?.predicateType;
      if (pt !== undefined && pt !== want) {
        others.add(pt);
        verdicts.splice(i, 1);
      }
    }
    if (others.size > 0)
      looked.push(`left out attestations of other predicate types: ${[...others].sort().join(", ")}`);
  }
  // An attestation must be an in-toto statement; a signature must not be one of another type.
  const accepted = verdicts.filter(
    (v) =>
      v.verified &&
      (mode.kind === "signature"
        ? !v.statement || v.statement.predicateType === COSIGN_SIGN_PREDICATE_TYPE
        : v.statement !== undefined && v.statement.predicateType !== COSIGN_SIGN_PREDICATE_TYPE),
  );
  return {
    reference: given,
    digest: img.digest,
    verified: accepted.length > 0,
    verdicts,
    looked,
    statements: accepted.map((v) => v.statement as InTotoStatement).filter(Boolean),
  };
}

function verifyDsseLayer(
  source: string,
  mediaType: string,
  payload: Uint8Array,
  subject: { reference: string; digest: string },
  opts: VerifyOptions,
  predicateType?: string,
): SignatureVerdict {
  if (mediaType !== DSSE_MEDIA_TYPE)
    return { source, verified: false, reason: `not an attestation: media type ${mediaType}` };
  let env: DsseEnvelope;
  try {
    env = parseEnvelope(JSON.parse(Buffer.from(payload).toString("utf8")));
  } catch (err) {
    return {
      source,
      verified: false,
      reason: err instanceof SyntaxError ? "DSSE envelope is not JSON" : String((err as Error).message),
    };
  }
  return verifyEnvelopeFor(source, env, subject, opts.policy, predicateType);
}

function childReference(given: string, img: ResolvedImage, top: ResolvedImage): string {
  return img === top ? given : `${img.reference.name}@${img.digest}`;
}

/** Verify the signatures of an image (and, with `recursive`, of each platform manifest). */
export async function verifyImage(
  store: ImageStore,
  image: string,
  opts: VerifyOptions,
): Promise<ImageVerification[]> {
  const images = await resolveImages(store, image, opts.recursive);
  const out: ImageVerification[] = [];
  for (const img of images) {
    const { statements: _s, ...r } = await verifyOne(
      store,
      img,
      childReference(image, img, images[0]),
      opts,
      {
        kind: "signature",
      },
    );
    out.push(r);
  }
  return out;
}

export interface AttestationVerification extends ImageVerification {
  /** The verified statements (their predicates are what `verify-attestation` prints). */
  statements: InTotoStatement[];
}

/** Verify the attestations of an image, optionally only those of one predicate type. */
export async function verifyImageAttestations(
  store: ImageStore,
  image: string,
  opts: VerifyOptions & { predicateType?: string },
): Promise<AttestationVerification[]> {
  const images = await resolveImages(store, image, opts.recursive);
  const out: AttestationVerification[] = [];
  for (const img of images)
    out.push(
      await verifyOne(store, img, childReference(image, img, images[0]), opts, {
        kind: "attestation",
        predicateType: opts.predicateType,
      }),
    );
  return out;
}
