/**
 * Manifests: GET/HEAD with the OCI and Docker schema 2 Accept types, the body's digest checked
 * against `Docker-Content-Digest` and against the digest asked for, media type from the
 * `mediaType` field or else Content-Type, PUT with digest check, and tag → digest resolution
 * (with platform selection from an index).
 */
import type { Reference } from "../reference/index.js";
import { getBlobBytes } from "./blobs.js";
import { digestAlgorithm, digestOf, isDigest } from "./digest.js";
import { RegistryError } from "./errors.js";
import {
  bareMediaType,
  type Descriptor,
  isIndexMediaType,
  MANIFEST_ACCEPT,
  type Platform,
} from "./media-types.js";
import { formatPlatform, type PlatformSpec, platformMatches, selectPlatform } from "./platform.js";
import type { Transport } from "./transport.js";

export interface Manifest {
  digest: string;
  mediaType: string;
  bytes: Buffer;
  // biome-ignore lint/suspicious/noExplicitAny: manifests are free-form JSON
  json: any;
}

export interface ManifestHead {
  digest: string;
  mediaType: string;
  size: number;
}

export interface Resolved {
  /** Digest of what the tag points to (an index for multi-platform images). */
  digest: string;
  mediaType: string;
  /** With a platform: digest of that platform's image manifest (equal to `digest` for a single-platform image). */
  platformDigest?: string;
  platformMediaType?: string;
}

/** Tag or digest to ask for; the digest wins when both are present. */
export function referenceTarget(ref: Reference): string {
  return ref.digest ?? ref.tag ?? "latest";
}

function describe(ref: Reference, target: string): string {
  return `${ref.path}${target.includes(":") ? "@" : ":"}${target}`;
}

/** Largest manifest read (OCI image spec: registries and clients SHOULD allow at least 4 MiB; containerd reads no more). */
export const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;

export async function getManifest(
  t: Transport,
  ref: Reference,
  opts: { accept?: string[]; target?: string } = {},
): Promise<Manifest> {
  const target = opts.target ?? referenceTarget(ref);
  const what = `GET manifest ${describe(ref, target)}`;
  const req = {
    registry: ref.domain,
    repository: ref.path,
    method: "GET" as const,
    path: `/v2/${ref.path}/manifests/${target}`,
    headers: { accept: (opts.accept ?? MANIFEST_ACCEPT).join(", ") },
    what,
    maxBodyBytes: MAX_MANIFEST_BYTES,
  };
  const res = await t.request(req);
  if (res.status !== 200) throw t.statusError(req, res);
  const bytes = res.body;
  const announced = res.headers.get("docker-content-digest") ?? undefined;
  const digest = checkManifestDigest(
    ref.domain,
    what,
    bytes,
    announced,
    isDigest(target) ? target : undefined,
  );
  // biome-ignore lint/suspicious/noExplicitAny: manifests are free-form JSON
  let json: any;
  try {
    json = JSON.parse(bytes.toString("utf8"));
  } catch {
    throw new RegistryError("PROTOCOL", ref.domain, `${what}: the manifest is not valid JSON`);
  }
  const mediaType =
    typeof json?.mediaType === "string" && json.mediaType
      ? json.mediaType
      : bareMediaType(res.headers.get("content-type"));
  return { digest, mediaType, bytes, json };
}

/**
 * The digest of a manifest body: the sha256 (or the announced algorithm) of the bytes, which
 * must equal the Docker-Content-Digest header and the digest asked for, when there are those.
 */
export function checkManifestDigest(
  registry: string,
  what: string,
  bytes: Buffer,
  announced: string | undefined,
  expected: string | undefined,
): string {
  const computed = digestOf(bytes, "sha256");
  if (announced !== undefined) {
    if (!isDigest(announced)) {
      throw new RegistryError("PROTOCOL", registry, `${what}: invalid Docker-Content-Digest header`);
    }
    const actual =
      digestAlgorithm(announced) === "sha256" ? computed : digestOf(bytes, digestAlgorithm(announced));
    if (actual !== announced) {
      throw new RegistryError(
        "DIGEST_MISMATCH",
        registry,
        `${what}: Docker-Content-Digest header says ${announced} but the body's digest is ${actual}`,
      );
    }
  }
  if (expected !== undefined) {
    const actual =
      digestAlgorithm(expected) === "sha256" ? computed : digestOf(bytes, digestAlgorithm(expected));
    if (actual !== expected) {
      throw new RegistryError(
        "DIGEST_MISMATCH",
        registry,
        `${what}: asked for ${expected} but the body's digest is ${actual}`,
      );
    }
    return expected;
  }
  return computed;
}

/** HEAD a manifest; undefined on 404. Without a Docker-Content-Digest header, falls back to GET. */
export async function headManifest(
  t: Transport,
  ref: Reference,
  target = referenceTarget(ref),
): Promise<ManifestHead | undefined> {
  const what = `HEAD manifest ${describe(ref, target)}`;
  const req = {
    registry: ref.domain,
    repository: ref.path,
    method: "HEAD" as const,
    path: `/v2/${ref.path}/manifests/${target}`,
    headers: { accept: MANIFEST_ACCEPT.join(", ") },
    what,
  };
  const res = await t.request(req);
  if (res.status === 404) return undefined;
  if (res.status !== 200) throw t.statusError(req, res);
  const digest = res.headers.get("docker-content-digest");
  const mediaType = bareMediaType(res.headers.get("content-type"));
  if (!digest || !isDigest(digest) || !mediaType || (isDigest(target) && digest !== target)) {
    const m = await getManifest(t, ref, { target });
    return { digest: m.digest, mediaType: m.mediaType, size: m.bytes.length };
  }
  return { digest, mediaType, size: Number(res.headers.get("content-length") ?? "0") };
}

export async function putManifest(
  t: Transport,
  repo: Reference,
  tagOrDigest: string,
  bytes: Buffer,
  mediaType: string,
): Promise<string> {
  const computed = digestOf(bytes);
  const what = `PUT manifest ${describe(repo, tagOrDigest)}`;
  if (
    isDigest(tagOrDigest) &&
    tagOrDigest !== computed &&
    digestOf(bytes, digestAlgorithm(tagOrDigest)) !== tagOrDigest
  ) {
    throw new RegistryError("DIGEST_MISMATCH", repo.domain, `${what}: the manifest's digest is ${computed}`);
  }
  const req = {
    registry: repo.domain,
    repository: repo.path,
    actions: ["pull" as const, "push" as const],
    method: "PUT" as const,
    path: `/v2/${repo.path}/manifests/${tagOrDigest}`,
    headers: { "content-type": mediaType },
    body: bytes,
    what,
  };
  const res = await t.request(req);
  if (res.status !== 201 && res.status !== 200 && res.status !== 202) throw t.statusError(req, res);
  const announced = res.headers.get("docker-content-digest");
  if (announced && isDigest(announced) && digestAlgorithm(announced) === "sha256" && announced !== computed) {
    throw new RegistryError(
      "DIGEST_MISMATCH",
      repo.domain,
      `${what}: the registry stored ${announced} but the manifest's digest is ${computed}`,
    );
  }
  return computed;
}

/** Resolve a reference to a digest; with a platform, also the platform's manifest digest. */
export async function resolveReference(
  t: Transport,
  ref: Reference,
  platform?: PlatformSpec,
): Promise<Resolved> {
  const head = await headManifest(t, ref);
  if (!head) {
    throw new RegistryError(
      "NOT_FOUND",
      ref.domain,
      `resolve ${ref.path}:${referenceTarget(ref)}: manifest unknown (404)`,
      {
        status: 404,
      },
    );
  }
  if (!platform) return { digest: head.digest, mediaType: head.mediaType };
  if (!isIndexMediaType(head.mediaType)) {
    // A single-platform image: fetch it (verifying the digest) and check its config's platform.
    const manifest = await getManifest(t, ref, { target: head.digest });
    const configDigest = manifest.json?.config?.digest;
    if (typeof configDigest === "string" && isDigest(configDigest)) {
      const config = JSON.parse((await getBlobBytes(t, ref, configDigest)).toString("utf8")) as Platform;
      if (config.os && config.architecture && !platformMatches(platform, config)) {
        throw new RegistryError(
          "PLATFORM_NOT_FOUND",
          ref.domain,
          `resolve ${ref.path}:${referenceTarget(ref)}: single-platform image for ${formatPlatform(config)}, not ${formatPlatform(platform)}`,
        );
      }
    }
    return {
      digest: head.digest,
      mediaType: head.mediaType,
      platformDigest: head.digest,
      platformMediaType: head.mediaType,
    };
  }
  const index = await getManifest(t, ref, { target: head.digest });
  const manifests: Descriptor[] = Array.isArray(index.json?.manifests) ? index.json.manifests : [];
  const chosen = selectPlatform(manifests, platform);
  if (!chosen) {
    const have = manifests
      .filter((d) => d.platform)
      .map((d) => formatPlatform(d.platform as NonNullable<Descriptor["platform"]>))
      .join(", ");
    throw new RegistryError(
      "PLATFORM_NOT_FOUND",
      ref.domain,
      `resolve ${ref.path}:${referenceTarget(ref)}: no manifest for ${formatPlatform(platform)} in the index (has: ${have || "none"})`,
    );
  }
  return {
    digest: head.digest,
    mediaType: head.mediaType,
    platformDigest: chosen.digest,
    platformMediaType: chosen.mediaType,
  };
}
