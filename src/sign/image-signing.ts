/**
 * Signing and attesting images in a registry, as cosign does: resolve the reference to a digest,
 * build the payload (simple-signing or in-toto statement), sign it, and store it in the layout
 * asked for (tag schema by default, a sigstore bundle referrer with `bundle`). With `recursive`,
 * an index and each of its platform manifests are signed. Verification lives in
 * ./image-verification.ts.
 */
import { createPublicKey, type KeyObject } from "node:crypto";
import { parseReference, type Reference } from "../reference/index.js";
import { isIndexMediaType } from "../registry/media-types.js";
import { signEnvelope } from "./dsse.js";
import { buildStatement, IN_TOTO_PAYLOAD_TYPE } from "./in-toto.js";
import {
  type ArtifactStore,
  appendTagLayer,
  BUNDLE_CONTENT_ANNOTATION,
  BUNDLE_PREDICATE_ANNOTATION,
  DSSE_MEDIA_TYPE,
  pushReferrer,
  type StoredArtifact,
} from "./registry-layout.js";
import { signBytes } from "./signature-algorithm.js";
import { BUNDLE_V03_MEDIA_TYPE, buildKeyBundle } from "./sigstore-bundle.js";
import {
  buildSimpleSigningPayload,
  COSIGN_SIGN_PREDICATE_TYPE,
  SIMPLE_SIGNING_MEDIA_TYPE,
} from "./simple-signing.js";
import { SIGNATURE_ANNOTATION } from "./verify-policy.js";

/** A resolved image: the manifest the reference names, by digest. */
export interface ResolvedImage {
  reference: Reference;
  digest: string;
  mediaType: string;
  size: number;
  bytes: Buffer;
  // biome-ignore lint/suspicious/noExplicitAny: manifests are free-form JSON
  json: any;
}

export type ImageStore = ArtifactStore;

function isIndex(mediaType: string, json: { manifests?: unknown }): boolean {
  return isIndexMediaType(mediaType) || Array.isArray(json?.manifests);
}

/** Resolve a reference (tag or digest) to its manifest; with `recursive`, an index's children too. */
export async function resolveImages(
  store: ImageStore,
  image: string | Reference,
  recursive = false,
): Promise<ResolvedImage[]> {
  const ref = typeof image === "string" ? parseReference(image) : image;
  const m = await store.getManifest(ref);
  const top: ResolvedImage = {
    reference: ref,
    digest: m.digest,
    mediaType: m.mediaType,
    size: m.bytes.length,
    bytes: m.bytes,
    json: m.json,
  };
  const out = [top];
  if (recursive && isIndex(m.mediaType, m.json)) {
    for (const d of m.json.manifests as { digest?: string }[]) {
      if (typeof d?.digest !== "string") continue;
      const child = await store.getManifest(ref.with({ tag: undefined, digest: d.digest }));
      out.push({
        reference: ref.with({ tag: undefined, digest: d.digest }),
        digest: child.digest,
        mediaType: child.mediaType,
        size: child.bytes.length,
        bytes: child.bytes,
        json: child.json,
      });
    }
  }
  return out;
}

/** The docker-reference cosign writes: the repository, with Docker Hub spelled `index.docker.io`. */
export function cosignDockerReference(ref: Reference): string {
  const domain = ref.domain === "docker.io" ? "index.docker.io" : ref.domain;
  return `${domain}/${ref.path}`;
}

export interface SignOptions {
  privateKey: KeyObject;
  /** `-a key=value` annotations, signed in the payload's `optional` (or the statement subject). */
  annotations?: Record<string, string>;
  /** Store signatures in this repository instead of the image's (tag layout only). */
  signatureRepo?: string;
  /** Write a sigstore bundle v0.3 referrer instead of the tag layout. */
  bundle?: boolean;
  recursive?: boolean;
}

export interface SignResult {
  image: string;
  digest: string;
  payload: string;
  layout: "tag" | "bundle";
  stored: StoredArtifact & { viaFallback?: boolean };
}

function signatureRepository(image: Reference, signatureRepo?: string): Reference {
  if (!signatureRepo) return image.with({ tag: undefined, digest: undefined });
  return parseReference(signatureRepo).with({ tag: undefined, digest: undefined });
}

export async function signImage(store: ImageStore, image: string, opts: SignOptions): Promise<SignResult[]> {
  const images = await resolveImages(store, image, opts.recursive);
  const results: SignResult[] = [];
  const publicKey = createPublicKey(opts.privateKey);
  for (const img of images) {
    const repoName = cosignDockerReference(img.reference);
    if (opts.bundle) {
      const statement = buildStatement({
        subjectName: repoName,
        digest: img.digest,
        predicateType: COSIGN_SIGN_PREDICATE_TYPE,
        predicate: {},
        subjectAnnotations: opts.annotations,
      });
      const payload = Buffer.from(JSON.stringify(statement));
      const envelope = signEnvelope(IN_TOTO_PAYLOAD_TYPE, payload, opts.privateKey);
      const bundle = Buffer.from(JSON.stringify(buildKeyBundle(envelope, publicKey)));
      const stored = await pushReferrer(
        store,
        img.reference.with({ tag: undefined, digest: undefined }),
        { digest: img.digest, mediaType: img.mediaType, size: img.size },
        {
          artifactType: BUNDLE_V03_MEDIA_TYPE,
          layerMediaType: BUNDLE_V03_MEDIA_TYPE,
          blob: bundle,
          annotations: {
            [BUNDLE_CONTENT_ANNOTATION]: "dsse-envelope",
            [BUNDLE_PREDICATE_ANNOTATION]: COSIGN_SIGN_PREDICATE_TYPE,
            "org.opencontainers.image.created": new Date().toISOString().replace(/\.\d+Z$/, "Z"),
          },
        },
      );
      results.push({
        image: repoName,
        digest: img.digest,
        payload: payload.toString(),
        layout: "bundle",
        stored,
      });
      continue;
    }
    const payload = buildSimpleSigningPayload({
      dockerReference: repoName,
      manifestDigest: img.digest,
      annotations: opts.annotations,
    });
    const signature = signBytes(opts.privateKey, payload).toString("base64");
    const stored = await appendTagLayer(
      store,
      signatureRepository(img.reference, opts.signatureRepo),
      img.digest,
      "sig",
      {
        mediaType: SIMPLE_SIGNING_MEDIA_TYPE,
        payload,
        annotations: { [SIGNATURE_ANNOTATION]: signature },
      },
    );
    results.push({ image: repoName, digest: img.digest, payload: payload.toString(), layout: "tag", stored });
  }
  return results;
}

export interface AttestOptions {
  privateKey: KeyObject;
  predicateType: string;
  predicate: unknown;
  signatureRepo?: string;
  bundle?: boolean;
  recursive?: boolean;
}

export interface AttestResult {
  image: string;
  digest: string;
  predicateType: string;
  layout: "tag" | "bundle";
  stored: StoredArtifact & { viaFallback?: boolean };
}

/**
 * Attest an image: an in-toto Statement v1 about its digest, in a DSSE envelope signed with the
 * key, stored at tag `sha256-<hex>.att` (or as a bundle referrer). The SBOM verb's `--attest`
 * calls this.
 */
export async function attestImage(
  store: ImageStore,
  image: string,
  opts: AttestOptions,
): Promise<AttestResult[]> {
  const images = await resolveImages(store, image, opts.recursive);
  const publicKey = createPublicKey(opts.privateKey);
  const results: AttestResult[] = [];
  for (const img of images) {
    const repoName = cosignDockerReference(img.reference);
    const statement = buildStatement({
      subjectName: repoName,
      digest: img.digest,
      predicateType: opts.predicateType,
      predicate: opts.predicate,
    });
    const payload = Buffer.from(JSON.stringify(statement));
    const envelope = signEnvelope(IN_TOTO_PAYLOAD_TYPE, payload, opts.privateKey);
    let stored: AttestResult["stored"];
    if (opts.bundle) {
      stored = await pushReferrer(
        store,
        img.reference.with({ tag: undefined, digest: undefined }),
        { digest: img.digest, mediaType: img.mediaType, size: img.size },
        {
          artifactType: BUNDLE_V03_MEDIA_TYPE,
          layerMediaType: BUNDLE_V03_MEDIA_TYPE,
          blob: Buffer.from(JSON.stringify(buildKeyBundle(envelope, publicKey))),
          annotations: {
            [BUNDLE_CONTENT_ANNOTATION]: "dsse-envelope",
            [BUNDLE_PREDICATE_ANNOTATION]: opts.predicateType,
          },
        },
      );
    } else {
      stored = await appendTagLayer(
        store,
        signatureRepository(img.reference, opts.signatureRepo),
        img.digest,
        "att",
        {
          mediaType: DSSE_MEDIA_TYPE,
          payload: Buffer.from(JSON.stringify(envelope)),
          annotations: { [SIGNATURE_ANNOTATION]: "", predicateType: opts.predicateType },
        },
      );
    }
    results.push({
      image: repoName,
      digest: img.digest,
      predicateType: opts.predicateType,
      layout: opts.bundle ? "bundle" : "tag",
      stored,
    });
  }
  return results;
}
