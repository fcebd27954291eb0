/**
 * An in-memory registry double for the inspector seam: the registry operations the signature
 * layouts use (getManifest, putManifest, getBlobBytes, pushBlob, referrers) plus tag → digest
 * resolution, over Maps. With it, webhook → inspector → verify runs end to end (sign with the
 * real signer, verify with the real verifier) when the real registry environment is absent.
 * Not a registry: no HTTP, no auth, no referrers API (the layouts fall back to tags).
 */
import { createHash } from "node:crypto";
import { parseReference, type Reference } from "../../src/reference/index.js";
import { RegistryError } from "../../src/registry/errors.js";
import type { Manifest } from "../../src/registry/manifests.js";

interface Stored {
  digest: string;
  mediaType: string;
  bytes: Buffer;
}

const sha256 = (b: Buffer) => `sha256:${createHash("sha256").update(b).digest("hex")}`;
const refOf = (r: Reference | string): Reference => (typeof r === "string" ? parseReference(r) : r);

export class MemoryRegistry {
  private readonly manifests = new Map<string, Map<string, Stored>>();
  private readonly blobs = new Map<string, Buffer>();
  /** Every repository name a request named, in order (to prove what was contacted). */
  readonly requests: string[] = [];

  private repo(name: string): Map<string, Stored> {
    let m = this.manifests.get(name);
    if (!m) {
      m = new Map();
      this.manifests.set(name, m);
    }
    return m;
  }

  async getManifest(ref: Reference | string): Promise<Manifest> {
    const r = refOf(ref);
    this.requests.push(r.name);
    const m = this.manifests.get(r.name)?.get(r.digest ?? r.tag ?? "latest");
    if (!m) throw new RegistryError("NOT_FOUND", r.domain, `manifest ${r.familiar()} not found`);
    return { ...m, json: JSON.parse(m.bytes.toString("utf8")) };
  }

  async putManifest(repo: Reference | string, tagOrDigest: string, bytes: Buffer, mediaType: string) {
    const r = refOf(repo);
    const stored = { digest: sha256(bytes), mediaType, bytes };
    this.repo(r.name).set(stored.digest, stored);
    this.repo(r.name).set(tagOrDigest, stored);
    return stored.digest;
  }

  async getBlobBytes(repo: Reference | string, digest: string): Promise<Buffer> {
    const r = refOf(repo);
    const b = this.blobs.get(`${r.name}@${digest}`);
    if (!b) throw new RegistryError("NOT_FOUND", r.domain, `blob ${digest} not found`);
    return b;
  }

  async pushBlob(repo: Reference | string, data: Buffer): Promise<string> {
    const digest = sha256(data);
    this.blobs.set(`${refOf(repo).name}@${digest}`, data);
    return digest;
  }

  /** No referrers API: the layouts use their fallback tags. */
  async referrers(): Promise<undefined> {
    return undefined;
  }

  /** Tag → manifest digest (the inspector's resolveDigest seam). */
  async resolveDigest(ref: Reference): Promise<string> {
    this.requests.push(ref.name);
    const m = this.manifests.get(ref.name)?.get(ref.digest ?? ref.tag ?? "latest");
    if (!m) throw new RegistryError("NOT_FOUND", ref.domain, `manifest ${ref.familiar()} not found`);
    return m.digest;
  }

  /**
   * Store a small single-platform image under `image` (name:tag); returns its digest. `meta`:
   * config labels and history, manifest annotations, the platform (default linux/amd64).
   */
  async addImage(image: string, content = image, meta: ImageMeta = {}): Promise<string> {
    const ref = parseReference(image);
    const [os, architecture] = (meta.platform ?? "linux/amd64").split("/");
    const config = Buffer.from(
      JSON.stringify({
        architecture,
        os,
        content,
        config: meta.labels ? { Labels: meta.labels } : {},
        history: (meta.history ?? []).map((created_by) => ({ created_by })),
      }),
    );
    const layer = Buffer.from(`layer of ${content}`);
    const configDigest = await this.pushBlob(ref, config);
    const layerDigest = await this.pushBlob(ref, layer);
    const manifest = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: "application/vnd.oci.image.manifest.v1+json",
        config: {
          mediaType: "application/vnd.oci.image.config.v1+json",
          digest: configDigest,
          size: config.length,
        },
        layers: [
          { mediaType: "application/vnd.oci.image.layer.v1.tar", digest: layerDigest, size: layer.length },
        ],
        ...(meta.annotations ? { annotations: meta.annotations } : {}),
      }),
    );
    return this.putManifest(ref, ref.tag ?? "latest", manifest, "application/vnd.oci.image.manifest.v1+json");
  }

  /** Store an index of the given platform images under `image` (name:tag); returns its digest. */
  async addIndex(image: string, platforms: ImageMeta[]): Promise<string> {
    const ref = parseReference(image);
    const manifests = [];
    for (const meta of platforms) {
      const platform = meta.platform ?? "linux/amd64";
      const digest = await this.addImage(`${ref.name}:${platform.replace("/", "-")}`, image, meta);
      const stored = this.repo(ref.name).get(digest) as Stored;
      const [os, architecture] = platform.split("/");
      manifests.push({
        mediaType: stored.mediaType,
        digest,
        size: stored.bytes.length,
        platform: { os, architecture },
      });
    }
    const index = Buffer.from(
      JSON.stringify({ schemaVersion: 2, mediaType: "application/vnd.oci.image.index.v1+json", manifests }),
    );
    return this.putManifest(ref, ref.tag ?? "latest", index, "application/vnd.oci.image.index.v1+json");
  }
}

/** What an image of the double says about itself (addImage, addIndex). */
export interface ImageMeta {
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  history?: string[];
  /** os/arch, default linux/amd64. */
  platform?: string;
}
