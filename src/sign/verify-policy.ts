/**
 * Verification policy: whether one signature (a simple-signing layer or a DSSE envelope) is
 * accepted for one image digest under explicit trust (keys, Rekor keys, certificate roots) and
 * identity rules. Every refusal carries a reason a user can act on. This module fetches nothing
 * and knows nothing of registry layouts (./registry-layout.ts finds the candidates).
 *
 * The checks, in order: it is a signature (media type); the payload bytes match the layer
 * digest; the signature is valid base64 and verifies over the exact payload bytes with a trusted
 * key (or a certificate chaining to a trusted root); a required Rekor SET verifies; the payload
 * is a cosign simple-signing document whose manifest digest equals the image digest (by digest,
 * never by tag); its docker-reference matches the image's repository; required annotations match.
 */
import { createHash, type KeyObject } from "node:crypto";
import { parseReference } from "../reference/index.js";
import {
  CERTIFICATE_ANNOTATION,
  type CertificateTrust,
  CHAIN_ANNOTATION,
  verifyCertificate,
} from "./certificate-trust.js";
import { type DsseEnvelope, envelopePayload, verifyEnvelope } from "./dsse.js";
import { SignatureFormatError } from "./errors.js";
import {
  IN_TOTO_PAYLOAD_TYPE,
  type InTotoStatement,
  parseStatement,
  statementCoversDigest,
} from "./in-toto.js";
import { REKOR_BUNDLE_ANNOTATION, verifyRekorSet } from "./rekor-set.js";
import { decodeBase64Strict, verifyBytes } from "./signature-algorithm.js";
import {
  COSIGN_SIGN_PREDICATE_TYPE,
  COSIGN_SIGNATURE_TYPE,
  parseSimpleSigningPayload,
  SIMPLE_SIGNING_MEDIA_TYPE,
  type SimpleSigningClaims,
} from "./simple-signing.js";

export const SIGNATURE_ANNOTATION = "dev.cosignproject.cosign/signature";

export interface TrustedKey {
  /** How the user named it (file path, secret name …), for messages. */
  name: string;
  key: KeyObject;
}

/** What the signed docker-reference must match (containers/image policy terms). */
export type IdentityRequirement =
  /** Same repository as the image reference; tag and digest ignored (the default). */
  | { type: "matchRepository" }
  /** Same repository and tag as the (tagged) image reference. */
  | { type: "matchExact" }
  /** Exactly this reference. */
  | { type: "exactReference"; reference: string }
  /** No docker-reference check (digest, key and annotations still checked). */
  | { type: "any" };

export interface TrustPolicy {
  /** Any one of these keys may verify. */
  keys?: TrustedKey[];
  /** Certificate signers (Fulcio or private PKI); used for signatures carrying a certificate. */
  certificate?: CertificateTrust;
  /** When given, a valid Rekor SET is required on each signature. */
  rekorKeys?: KeyObject[];
  identity?: IdentityRequirement;
  /** Required `optional` annotations, all must match. */
  annotations?: Record<string, string>;
}

export interface ImageSubject {
  /** The image reference as the user named it (used for the identity check). */
  reference: string;
  /** The manifest digest the reference resolved to. */
  digest: string;
}

/** One signature layer, as found in a registry or a file. */
export interface SignatureLayer {
  /** Where it was found, for messages (e.g. `tag sha256-….sig, layer 1`). */
  source: string;
  mediaType: string;
  payload: Uint8Array;
  /** The digest the layer descriptor declares for the payload blob. */
  declaredDigest?: string;
  annotations: Record<string, string>;
}

export interface SignatureVerdict {
  source: string;
  verified: boolean;
  /** Why it was refused, or what verified it. */
  reason: string;
  /** The key name or certificate subject that verified it. */
  signer?: string;
  claims?: SimpleSigningClaims;
  statement?: InTotoStatement;
}

function normalizeDomain(domain: string): string {
  return domain === "index.docker.io" || domain === "registry-1.docker.io" ? "docker.io" : domain;
}

function sameRepository(a: string, b: string): boolean {
  try {
    const ra = parseReference(a);
    const rb = parseReference(b);
    return normalizeDomain(ra.domain) === normalizeDomain(rb.domain) && ra.path === rb.path;
  } catch {
    return false;
  }
}

/** Check a signed docker-reference against the identity requirement; undefined when accepted. */
export function identityMismatch(
  signedReference: string,
  image: ImageSubject,
  req: IdentityRequirement = { type: "matchRepository" },
): string | undefined {
  if (req.type === "any") return undefined;
  let signed: ReturnType<typeof parseReference>;
  try {
    signed = parseReference(signedReference);
  } catch {
    return `signed docker-reference ${JSON.stringify(signedReference)} is not a valid image reference`;
  }
  if (req.type === "exactReference") {
    let want: ReturnType<typeof parseReference>;
    try {
      want = parseReference(req.reference);
    } catch {
      return `required reference ${JSON.stringify(req.reference)} is not a valid image reference`;
    }
    return signed.toString() === want.toString() &&
      normalizeDomain(signed.domain) === normalizeDomain(want.domain)
      ? undefined
      : `signed docker-reference ${signedReference} is not the required ${req.reference}`;
  }
  if (!sameRepository(signedReference, image.reference))
    return `payload names repository ${signed.name}, not the image's repository ${parseReference(image.reference).name}`;
  if (req.type === "matchExact") {
    const img = parseReference(image.reference);
    if (img.tag === undefined || img.digest !== undefined)
      return "exact identity match needs the image named by tag";
    if (signed.tag !== img.tag || signed.digest !== undefined)
      return `signed docker-reference ${signedReference} does not carry tag ${img.tag}`;
  }
  return undefined;
}

function annotationMismatch(
  optional: Record<string, unknown> | null | undefined,
  required: Record<string, string> | undefined,
): string | undefined {
  for (const [k, v] of Object.entries(required ?? {})) {
    const got = optional?.[k];
    if (got === undefined) return `required annotation ${k}=${v} is missing`;
    if (String(got) !== v) return `annotation ${k} is ${JSON.stringify(got)}, required ${JSON.stringify(v)}`;
  }
  return undefined;
}

/** Which signer verifies `data`/`signature`: a trusted key, or a certificate from the annotations. */
function findSigner(
  data: Uint8Array,
  signature: Buffer,
  annotations: Record<string, string>,
  policy: TrustPolicy,
  signatureB64: string,
): { signer?: string; publicKey?: KeyObject; reason?: string } {
  const tried: string[] = [];
  for (const k of policy.keys ?? []) {
    tried.push(k.name);
    if (verifyBytes(k.key, data, signature)) return { signer: k.name, publicKey: k.key };
  }
  const certPem = annotations[CERTIFICATE_ANNOTATION];
  if (policy.certificate && certPem) {
    // Fulcio certificates live minutes: judge them at the Rekor integrated time.
    let at = new Date();
    if (policy.certificate.oidcIssuer) {
      if (!policy.rekorKeys?.length)
        return { reason: "a Fulcio certificate needs Rekor keys to establish the signing time" };
      const leafKey = verifyCertificate(
        certPem,
        annotations[CHAIN_ANNOTATION],
        policy.certificate,
        at,
      ).publicKey;
      if (!leafKey) return { reason: "signing certificate cannot be parsed" };
      const set = verifyRekorSet({
        annotation: annotations[REKOR_BUNDLE_ANNOTATION],
        rekorKeys: policy.rekorKeys,
        payload: data,
        signatureB64,
        signingKey: leafKey,
      });
      if (!set.ok || set.integratedTime === undefined) return { reason: set.reason };
      at = new Date(set.integratedTime * 1000);
    }
    const cert = verifyCertificate(certPem, annotations[CHAIN_ANNOTATION], policy.certificate, at);
    if (!cert.ok || !cert.publicKey) return { reason: cert.reason };
    if (!verifyBytes(cert.publicKey, data, signature))
      return { reason: "signature does not verify with the signing certificate's key" };
    return { signer: `certificate ${cert.subject}`, publicKey: cert.publicKey };
  }
  if (policy.certificate && !policy.keys?.length)
    return { reason: `no signing certificate (annotation ${CERTIFICATE_ANNOTATION})` };
  if (tried.length === 0) return { reason: "no trusted key given" };
  return { reason: `signature does not verify with ${tried.length > 1 ? "any of " : ""}${tried.join(", ")}` };
}

/** Verify one cosign simple-signing layer for an image. */
export function verifySignatureLayer(
  layer: SignatureLayer,
  image: ImageSubject,
  policy: TrustPolicy,
): SignatureVerdict {
  const refuse = (reason: string, extra: Partial<SignatureVerdict> = {}): SignatureVerdict => ({
    source: layer.source,
    verified: false,
    reason,
    ...extra,
  });
  if (layer.mediaType !== SIMPLE_SIGNING_MEDIA_TYPE)
    return refuse(`not a signature: media type ${layer.mediaType}, expected ${SIMPLE_SIGNING_MEDIA_TYPE}`);
  if (layer.declaredDigest !== undefined) {
    const actual = `sha256:${createHash("sha256").update(layer.payload).digest("hex")}`;
    if (actual !== layer.declaredDigest)
      return refuse(
        `signature layer blob digest mismatch: descriptor says ${layer.declaredDigest}, blob is ${actual}`,
      );
  }
  const sigB64 = layer.annotations[SIGNATURE_ANNOTATION];
  if (sigB64 === undefined)
    return refuse(`no cryptographic signature (annotation ${SIGNATURE_ANNOTATION} missing)`);
  const sig = decodeBase64Strict(sigB64);
  if (!sig) return refuse(`signature annotation ${SIGNATURE_ANNOTATION} is not valid base64`);
  const found = findSigner(layer.payload, sig, layer.annotations, policy, sigB64);
  if (!found.signer || !found.publicKey) return refuse(found.reason ?? "signature does not verify");
  if (policy.rekorKeys?.length) {
    const set = verifyRekorSet({
      annotation: layer.annotations[REKOR_BUNDLE_ANNOTATION],
      rekorKeys: policy.rekorKeys,
      payload: layer.payload,
      signatureB64: sigB64,
      signingKey: found.publicKey,
    });
    if (!set.ok) return refuse(set.reason ?? "Rekor SET does not verify", { signer: found.signer });
  }
  let claims: SimpleSigningClaims;
  try {
    claims = parseSimpleSigningPayload(layer.payload);
  } catch (err) {
    return refuse(err instanceof SignatureFormatError ? err.message : String(err), { signer: found.signer });
  }
  return checkClaims(layer.source, claims, image, policy, found.signer);
}

function checkClaims(
  source: string,
  claims: SimpleSigningClaims,
  image: ImageSubject,
  policy: TrustPolicy,
  signer: string,
): SignatureVerdict {
  const refuse = (reason: string): SignatureVerdict => ({ source, verified: false, reason, signer, claims });
  if (claims.type !== COSIGN_SIGNATURE_TYPE && claims.type !== COSIGN_SIGN_PREDICATE_TYPE)
    return refuse(
      `payload type is ${JSON.stringify(claims.type)}, not ${JSON.stringify(COSIGN_SIGNATURE_TYPE)}`,
    );
  if (claims.manifestDigest !== image.digest)
    return refuse(
      `signature is for another digest: payload names ${claims.manifestDigest}, image is ${image.digest}`,
    );
  const idMismatch = identityMismatch(claims.dockerReference, image, policy.identity);
  if (idMismatch) return refuse(idMismatch);
  const annMismatch = annotationMismatch(claims.optional, policy.annotations);
  if (annMismatch) return refuse(annMismatch);
  return { source, verified: true, reason: `verified with ${signer}`, signer, claims };
}

/**
 * Verify a DSSE envelope signed by a trusted key. For an in-toto statement the subject must name
 * the image digest (and `predicateType`, when given, must match); for a simple-signing payload the
 * same claims as a signature layer are checked.
 */
export function verifyEnvelopeFor(
  source: string,
  env: DsseEnvelope,
  image: ImageSubject,
  policy: TrustPolicy,
  predicateType?: string,
): SignatureVerdict {
  const refuse = (reason: string, extra: Partial<SignatureVerdict> = {}): SignatureVerdict => ({
    source,
    verified: false,
    reason,
    ...extra,
  });
  const payload = envelopePayload(env);
  if (!payload) return refuse("DSSE payload is not valid base64");
  const tried: string[] = [];
  let signer: string | undefined;
  let lastReason = "no trusted key given";
  for (const k of policy.keys ?? []) {
    tried.push(k.name);
    const r = verifyEnvelope(env, k.key);
    if (r.ok) {
      signer = k.name;
      break;
    }
    lastReason = r.reason ?? lastReason;
  }
  if (!signer)
    return refuse(
      lastReason.includes("base64") || tried.length === 0
        ? lastReason
        : `DSSE signature does not verify with ${tried.length > 1 ? "any of " : ""}${tried.join(", ")}`,
    );
  if (env.payloadType === SIMPLE_SIGNING_MEDIA_TYPE || env.payloadType === "application/json") {
    if (predicateType && predicateType !== COSIGN_SIGN_PREDICATE_TYPE)
      return refuse(`envelope holds a signature, not a ${predicateType} attestation`, { signer });
    try {
      return checkClaims(source, parseSimpleSigningPayload(payload), image, policy, signer);
    } catch (err) {
      return refuse(err instanceof Error ? err.message : String(err), { signer });
    }
  }
  // The signature covers the payload type: only an envelope that says it holds an in-toto
  // statement is read as one (as cosign does), never another protocol's payload that parses.
  if (env.payloadType !== IN_TOTO_PAYLOAD_TYPE)
    return refuse(
      `DSSE payload type is ${JSON.stringify(env.payloadType)}, expected ${JSON.stringify(IN_TOTO_PAYLOAD_TYPE)} or a simple-signing payload`,
      { signer },
    );
  let statement: InTotoStatement;
  try {
    statement = parseStatement(payload);
  } catch (err) {
    return refuse(err instanceof Error ? err.message : String(err), { signer });
  }
  if (!statementCoversDigest(statement, image.digest))
    return refuse(
      `statement is for another digest: subjects ${statement.subject
        .map((s) => Object.entries(s.digest ?? {}).map(([a, h]) => `${a}:${h}`))
        .join(", ")}, image is ${image.digest}`,
      { signer, statement },
    );
  if (predicateType && statement.predicateType !== predicateType)
    return refuse(`predicate type is ${statement.predicateType}, required ${predicateType}`, {
      signer,
      statement,
    });
  // A subject name that is an image reference must name the image's repository.
  for (const s of statement.subject) {
    if (typeof s.name === "string" && s.name.includes("/") && !sameRepository(s.name, image.reference)) {
      const mismatch = identityMismatch(s.name, image, policy.identity);
      if (mismatch) return refuse(`statement subject ${s.name}: ${mismatch}`, { signer, statement });
    }
  }
  if (statement.predicateType === COSIGN_SIGN_PREDICATE_TYPE) {
    // cosign v3 image signatures: `-a` annotations ride on the subject (or the predicate).
    const predicate = statement.predicate as { annotations?: Record<string, unknown> } | null;
    const annotations: Record<string, unknown> = {
      ...(predicate?.annotations ?? {}),
      ...Object.assign(
        {},
        ...statement.subject.map((s) => (s as { annotations?: object }).annotations ?? {}),
      ),
    };
    const annMismatch = annotationMismatch(annotations, policy.annotations);
    if (annMismatch) return refuse(annMismatch, { signer, statement });
  }
  return { source, verified: true, reason: `verified with ${signer}`, signer, statement };
}
