/**
 * Where cosign keeps signatures and attestations in a registry, for writing and reading:
 *
 * - the tag schema: an OCI manifest at tag `sha256-<hex>.sig` (`.att` for attestations) in the
 *   image's repository (or a separate signature repository), one layer per signature, payload
 *   in the layer blob, signature (and Rekor bundle, certificate) in the layer annotations;
 * - OCI 1.1 referrers: manifests whose `subject` is the image, found through the referrers API
 *   or, for registries without it, the fallback index at tag `sha256-<hex>`;
 * - sigstore bundles (v0.3) stored as such referrers, one bundle blob per manifest.
 *
 * This module moves bytes and descriptors; it decides nothing about trust (./verify-policy.ts).
 */
import { createHash } from "node:crypto";
import { parseReference, type Reference } from "../reference/index.js";
import type { RegistryClient } from "../registry/client.js";
import { isRegistryError } from "../registry/errors.js";
import {
  type Descriptor,
  DOCKER_MANIFEST,
  OCI_CONFIG,
  OCI_EMPTY,
  OCI_INDEX,
  OCI_MANIFEST,
} from "../registry/media-types.js";
import { SIGNATURE_ANNOTATION, type SignatureLayer } from "./verify-policy.js";

export const OCI_MANIFEST_MEDIA_TYPE = OCI_MANIFEST;
export const OCI_INDEX_MEDIA_TYPE = OCI_INDEX;
export const OCI_CONFIG_MEDIA_TYPE = OCI_CONFIG;
export const OCI_EMPTY_MEDIA_TYPE = OCI_EMPTY;
export const DSSE_MEDIA_TYPE = "application/vnd.dsse.envelope.v1+json";
/** artifactType cosign v2 gives tag-schema-like signature manifests stored as referrers. */
export const COSIGN_SIG_ARTIFACT_TYPE = "application/vnd.dev.cosign.artifact.sig.v1+json";
export const BUNDLE_CONTENT_ANNOTATION = "dev.sigstore.bundle.content";
export const BUNDLE_PREDICATE_ANNOTATION = "dev.sigstore.bundle.predicateType";

/**
 * Bounds on what is read back: whoever can push to a repository writes its `.sig`/`.att`
 * manifests, so the number of layers and the size of each payload are attacker-chosen. As
 * cosign does (at most 1000 layers), refuse beyond these instead of fetching everything.
 */
export const READ_LIMITS = {
  /** Layers read from one signature/attestation manifest. */
  maxLayers: 1000,
  /** Referrer manifests read for one digest. */
  maxReferrers: 1000,
  /** One simple-signing payload (`.sig` layers are a few hundred bytes). */
  maxSignatureBytes: 4 * 1024 * 1024,
  /** One attestation envelope or bundle (may hold an SBOM). */
  maxAttestationBytes: 64 * 1024 * 1024,
  /** All payloads of one manifest together. */
  maxTotalBytes: 128 * 1024 * 1024,
};

/** The registry operations the layouts need (RegistryClient provides them). */
export type ArtifactStore = Pick<
  RegistryClient,
  "getManifest" | "putManifest" | "getBlobBytes" | "pushBlob" | "referrers"
>;

export type TagSuffix = "sig" | "att" | "sbom";

/** `sha256:<hex>` → `sha256-<hex>.sig` (or the bare referrers fallback tag without a suffix). */
export function digestTag(digest: string, suffix?: TagSuffix): string {
  const tag = digest.replace(":", "-");
  return suffix ? `${tag}.${suffix}` : tag;
}

function sha256(data: Uint8Array): string {
  return `sha256:${createHash("sha256").update(data).digest("hex")}`;
}

function isNotFound(err: unknown): boolean {
  return isRegistryError(err) && err.code === "NOT_FOUND";
}

// biome-ignore lint/suspicious/noExplicitAny: manifests are free-form JSON
type Json = any;

/** A manifest by tag or digest, or undefined when the registry has none. */
export async function getManifestIfAny(
  store: ArtifactStore,
  repo: Reference,
  tagOrDigest: string,
): Promise<{ digest: string; json: Json; bytes: Buffer } | undefined> {
  const ref = tagOrDigest.includes(":")
    ? repo.with({ tag: undefined, digest: tagOrDigest })
    : repo.with({ tag: tagOrDigest, digest: undefined });
  try {
    const m = await store.getManifest(ref, {
      accept: [OCI_MANIFEST_MEDIA_TYPE, OCI_INDEX_MEDIA_TYPE, DOCKER_MANIFEST],
    });
    return { digest: m.digest, json: m.json, bytes: m.bytes };
  } catch (err) {
    if (isNotFound(err)) return undefined;
    throw err;
  }
}

/** cosign's config blob for a signature image: an OCI image config whose diff_ids are the layers. */
function signatureConfig(layerDigests: string[]): Buffer {
  return Buffer.from(
    JSON.stringify({
      architecture: "",
      created: "0001-01-01T00:00:00Z",
      history: [{ created: "0001-01-01T00:00:00Z" }],
      os: "",
      rootfs: { type: "layers", diff_ids: layerDigests },
      config: {},
    }),
  );
}

export interface StoredArtifact {
  repository: string;
  tag?: string;
  manifestDigest: string;
  /** False when an identical layer was already there. */
  added: boolean;
}

/**
 * Append one layer (payload blob + annotations) to the tag-schema manifest `sha256-<hex>.<suffix>`
 * in `repo`, creating it when absent; an identical layer (same payload and signature) is not
 * added twice.
 */
export async function appendTagLayer(
  store: ArtifactStore,
  repo: Reference,
  imageDigest: string,
  suffix: TagSuffix,
  layer: { mediaType: string; payload: Buffer; annotations: Record<string, string> },
): Promise<StoredArtifact> {
  const tag = digestTag(imageDigest, suffix);
  const existing = await getManifestIfAny(store, repo, tag);
  const layers: Descriptor[] = Array.isArray(existing?.json?.layers) ? [...existing.json.layers] : [];
  const payloadDigest = sha256(layer.payload);
  const duplicate = layers.some(
    (l) =>
      l.digest === payloadDigest &&
      l.annotations?.[SIGNATURE_ANNOTATION] === layer.annotations[SIGNATURE_ANNOTATION] &&
      l.mediaType === layer.mediaType,
  );
  if (duplicate && existing)
    return { repository: repo.name, tag, manifestDigest: existing.digest, added: false };
  await store.pushBlob(repo, layer.payload);
  layers.push({
    mediaType: layer.mediaType,
    size: layer.payload.length,
    digest: payloadDigest,
    annotations: layer.annotations,
  });
  const config = signatureConfig(layers.map((l) => l.digest));
  const configDigest = await store.pushBlob(repo, config);
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST_MEDIA_TYPE,
      config: { mediaType: OCI_CONFIG_MEDIA_TYPE, size: config.length, digest: configDigest },
      layers,
    }),
  );
  const digest = await store.putManifest(repo, tag, manifest, OCI_MANIFEST_MEDIA_TYPE);
  return { repository: repo.name, tag, manifestDigest: digest, added: true };
}

/** A layer that could not be fetched, so that it is reported, not silently dropped. */
export interface UnreadableLayer {
  source: string;
  error: string;
}

/** The layers under tag `sha256-<hex>.<suffix>` with their payload blobs. */
export async function readTagLayers(
  store: ArtifactStore,
  repo: Reference,
  imageDigest: string,
  suffix: TagSuffix,
): Promise<{ layers: SignatureLayer[]; unreadable: UnreadableLayer[]; found: boolean }> {
  const tag = digestTag(imageDigest, suffix);
  const manifest = await getManifestIfAny(store, repo, tag);
  if (!manifest) return { layers: [], unreadable: [], found: false };
  const maxLayerBytes = suffix === "sig" ? READ_LIMITS.maxSignatureBytes : READ_LIMITS.maxAttestationBytes;
  return {
    ...(await readLayers(store, repo, manifest.json, `${repo.name}:${tag}`, maxLayerBytes)),
    found: true,
  };
}

async function readLayers(
  store: ArtifactStore,
  repo: Reference,
  manifest: Json,
  where: string,
  maxLayerBytes = READ_LIMITS.maxAttestationBytes,
): Promise<{ layers: SignatureLayer[]; unreadable: UnreadableLayer[] }> {
  const layers: SignatureLayer[] = [];
  const unreadable: UnreadableLayer[] = [];
  const all: Descriptor[] = Array.isArray(manifest?.layers) ? manifest.layers : [];
  const descs = all.slice(0, READ_LIMITS.maxLayers);
  if (all.length > descs.length)
    unreadable.push({
      source: where,
      error: `too many layers: ${all.length}, only the first ${READ_LIMITS.maxLayers} are read`,
    });
  let total = 0;
  for (const [i, d] of descs.entries()) {
    const source = `${where} layer ${i + 1}`;
    if (typeof d?.digest !== "string" || typeof d.mediaType !== "string") {
      unreadable.push({ source, error: "layer descriptor lacks digest or mediaType" });
      continue;
    }
    const limit = Math.min(maxLayerBytes, READ_LIMITS.maxTotalBytes - total);
    if (typeof d.size === "number" && d.size > limit) {
      unreadable.push({
        source,
        error: `payload blob is larger than the limit of ${limit} bytes (${d.size})`,
      });
      continue;
    }
    try {
      const payload = await store.getBlobBytes(repo, d.digest, { maxBytes: limit });
      total += payload.length;
      layers.push({
        source,
        mediaType: d.mediaType,
        payload,
        declaredDigest: d.digest,
        annotations: { ...(d.annotations ?? {}) },
      });
    } catch (err) {
      if (isRegistryError(err) && err.code === "DIGEST_MISMATCH")
        unreadable.push({ source, error: `signature layer blob digest mismatch: ${err.message}` });
      else if (isNotFound(err)) unreadable.push({ source, error: `payload blob ${d.digest} not found` });
      else if (isRegistryError(err) && err.code === "TOO_LARGE")
        unreadable.push({ source, error: `payload blob is larger than the limit of ${limit} bytes` });
      else throw err;
    }
  }
  return { layers, unreadable };
}

/**
 * Referrers of a manifest: through the referrers API, or (registries without it) the fallback
 * index at tag `sha256-<hex>`. `viaFallback` says which was used.
 */
export async function listReferrers(
  store: ArtifactStore,
  repo: Reference,
  digest: string,
): Promise<{ descriptors: Descriptor[]; viaFallback: boolean }> {
  const api = await store.referrers(repo, digest);
  if (api !== undefined) return { descriptors: api, viaFallback: false };
  const index = await getManifestIfAny(store, repo, digestTag(digest));
  const descriptors: Descriptor[] = Array.isArray(index?.json?.manifests) ? index.json.manifests : [];
  return { descriptors, viaFallback: true };
}

/** One referrer artifact read back: its manifest and the blobs it carries. */
export interface ReferrerArtifact {
  source: string;
  manifestDigest: string;
  artifactType: string;
  /** The manifest's `subject.digest` (checked by the caller against the image digest). */
  subjectDigest?: string;
  annotations: Record<string, string>;
  layers: SignatureLayer[];
  unreadable: UnreadableLayer[];
}

/** Fetch the referrer manifests of `digest` (optionally only one artifactType) and their layers. */
export async function readReferrers(
  store: ArtifactStore,
  repo: Reference,
  digest: string,
  artifactTypes?: string[],
): Promise<{ artifacts: ReferrerArtifact[]; viaFallback: boolean; unreadable: UnreadableLayer[] }> {
  const listed = await listReferrers(store, repo, digest);
  const { viaFallback } = listed;
  const descriptors = listed.descriptors.slice(0, READ_LIMITS.maxReferrers);
  const artifacts: ReferrerArtifact[] = [];
  const unreadable: UnreadableLayer[] = [];
  if (listed.descriptors.length > descriptors.length)
    unreadable.push({
      source: `${repo.name} referrers of ${digest}`,
      error: `too many referrers: ${listed.descriptors.length}, only the first ${READ_LIMITS.maxReferrers} are read`,
    });
  for (const d of descriptors) {
    if (typeof d?.digest !== "string") continue;
    const m = await getManifestIfAny(store, repo, d.digest);
    if (!m) continue;
    const artifactType: string = m.json?.artifactType ?? d.artifactType ?? m.json?.config?.mediaType ?? "";
    if (artifactTypes && !artifactTypes.includes(artifactType)) continue;
    const source = `${repo.name}@${m.digest} (referrer ${artifactType || "untyped"})`;
    const { layers, unreadable } = await readLayers(store, repo, m.json, source);
    artifacts.push({
      source,
      manifestDigest: m.digest,
      artifactType,
      subjectDigest: typeof m.json?.subject?.digest === "string" ? m.json.subject.digest : undefined,
      annotations: { ...(m.json?.annotations ?? {}) },
      layers,
      unreadable,
    });
  }
  return { artifacts, viaFallback, unreadable };
}

/**
 * Store a blob as an OCI 1.1 referrer of `subject` (e.g. a sigstore bundle): an artifact manifest
 * with the empty config, pushed by digest; when the registry has no referrers API the fallback
 * index at tag `sha256-<hex>` is updated too, as the OCI distribution spec asks of clients.
 */
export async function pushReferrer(
  store: ArtifactStore,
  repo: Reference,
  subject: { digest: string; mediaType: string; size: number },
  artifact: {
    artifactType: string;
    layerMediaType: string;
    blob: Buffer;
    annotations: Record<string, string>;
  },
): Promise<StoredArtifact & { viaFallback: boolean }> {
  const empty = Buffer.from("{}");
  const emptyDigest = await store.pushBlob(repo, empty);
  const blobDigest = await store.pushBlob(repo, artifact.blob);
  const manifestJson = {
    schemaVersion: 2,
    mediaType: OCI_MANIFEST_MEDIA_TYPE,
    artifactType: artifact.artifactType,
    config: { mediaType: OCI_EMPTY_MEDIA_TYPE, size: empty.length, digest: emptyDigest },
    layers: [{ mediaType: artifact.layerMediaType, size: artifact.blob.length, digest: blobDigest }],
    subject: { mediaType: subject.mediaType, size: subject.size, digest: subject.digest },
    annotations: artifact.annotations,
  };
  const bytes = Buffer.from(JSON.stringify(manifestJson));
  const manifestDigest = sha256(bytes);
  await store.putManifest(repo, manifestDigest, bytes, OCI_MANIFEST_MEDIA_TYPE);
  const api = await store.referrers(repo, subject.digest);
  let viaFallback = false;
  if (api === undefined) {
    viaFallback = true;
    const tag = digestTag(subject.digest);
    const existing = await getManifestIfAny(store, repo, tag);
    const manifests: Descriptor[] = Array.isArray(existing?.json?.manifests) ? existing.json.manifests : [];
    if (!manifests.some((m) => m.digest === manifestDigest)) {
      manifests.push({
        mediaType: OCI_MANIFEST_MEDIA_TYPE,
        size: bytes.length,
        digest: manifestDigest,
        artifactType: artifact.artifactType,
        annotations: artifact.annotations,
      });
      const index = Buffer.from(
        JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX_MEDIA_TYPE, manifests }),
      );
      await store.putManifest(repo, tag, index, OCI_INDEX_MEDIA_TYPE);
    }
  }
  return { repository: repo.name, manifestDigest, added: true, viaFallback };
}

/** A repository reference (tag and digest dropped) from a user-given name like `reg/ns/sigs`. */
export function parseReferenceRepo(name: string): Reference {
  return parseReference(name).with({ tag: undefined, digest: undefined });
}
