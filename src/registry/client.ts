/**
 * RegistryClient: the one object the rest of Portcullis uses to talk to registries. It parses
 * references, holds one Transport (connections, token cache, concurrency cap) and delegates
 * to the manifest, blob, push and listing modules. Create one per command and reuse it; call
 * close() when done to release pooled connections.
 */
import { parseReference, type Reference } from "../reference/index.js";
import { blobExists, getBlob, getBlobBytes } from "./blobs.js";
import { RegistryError } from "./errors.js";
import { listTags, referrers } from "./listings.js";
import {
  getManifest,
  headManifest,
  type Manifest,
  type ManifestHead,
  putManifest,
  type Resolved,
  resolveReference,
} from "./manifests.js";
import type { Descriptor } from "./media-types.js";
import { parsePlatform } from "./platform.js";
import { pushBlob } from "./push.js";
import { Transport, type TransportOptions } from "./transport.js";

export type RegistryClientOptions = TransportOptions;

export class RegistryClient {
  readonly transport: Transport;

  constructor(opts: RegistryClientOptions = {}) {
    this.transport = new Transport(opts);
  }

  /** Parse a reference (normalising `nginx` to `docker.io/library/nginx`). */
  static ref(ref: Reference | string): Reference {
    if (typeof ref !== "string") return ref;
    try {
      return parseReference(ref);
    } catch (err) {
      throw new RegistryError(
        "PROTOCOL",
        "-",
        `invalid image reference ${JSON.stringify(ref)}: ${(err as Error).message}`,
      );
    }
  }

  getManifest(ref: Reference | string, opts: { accept?: string[] } = {}): Promise<Manifest> {
    return getManifest(this.transport, RegistryClient.ref(ref), opts);
  }

  /** Digest, media type and size of a manifest; undefined on 404. */
  headManifest(ref: Reference | string): Promise<ManifestHead | undefined> {
    return headManifest(this.transport, RegistryClient.ref(ref));
  }

  /** Upload a manifest under a tag or its digest; returns its digest. */
  putManifest(
    repo: Reference | string,
    tagOrDigest: string,
    bytes: Buffer,
    mediaType: string,
  ): Promise<string> {
    return putManifest(this.transport, RegistryClient.ref(repo), tagOrDigest, bytes, mediaType);
  }

  /** A verified stream of a blob (errors on digest mismatch, truncation, timeout). */
  getBlob(repo: Reference | string, digest: string): Promise<NodeJS.ReadableStream> {
    return getBlob(this.transport, RegistryClient.ref(repo), digest);
  }

  getBlobBytes(repo: Reference | string, digest: string, opts: { maxBytes?: number } = {}): Promise<Buffer> {
    return getBlobBytes(this.transport, RegistryClient.ref(repo), digest, opts);
  }

  blobExists(repo: Reference | string, digest: string): Promise<boolean> {
    return blobExists(this.transport, RegistryClient.ref(repo), digest);
  }

  /** Upload a blob (skipped when present); monolithic, or chunked with `chunkSize`. Returns its digest. */
  pushBlob(repo: Reference | string, data: Buffer, opts: { chunkSize?: number } = {}): Promise<string> {
    return pushBlob(this.transport, RegistryClient.ref(repo), data, opts);
  }

  listTags(repo: Reference | string): Promise<string[]> {
    return listTags(this.transport, RegistryClient.ref(repo));
  }

  /** Referrers of a manifest digest; undefined when the registry has no referrers API. */
  referrers(
    repo: Reference | string,
    digest: string,
    artifactType?: string,
  ): Promise<Descriptor[] | undefined> {
    return referrers(this.transport, RegistryClient.ref(repo), digest, artifactType);
  }

  /**
   * Tag (or digest) → digest. With `platform` (`os/arch[/variant]`) and an index, also the
   * platform's manifest digest; for a single-platform image `platformDigest` equals `digest`.
   */
  resolve(ref: Reference | string, opts: { platform?: string } = {}): Promise<Resolved> {
    const r = RegistryClient.ref(ref);
    let platform: ReturnType<typeof parsePlatform> | undefined;
    if (opts.platform) {
      try {
        platform = parsePlatform(opts.platform);
      } catch (err) {
        return Promise.reject(new RegistryError("PLATFORM_NOT_FOUND", r.domain, (err as Error).message));
      }
    }
    return resolveReference(this.transport, r, platform);
  }

  /** Release pooled connections. */
  close(): Promise<void> {
    return this.transport.close();
  }
}
