/**
 * Platform selection for image sources (registry, OCI layout): the platform strings and the
 * matching rules are those of src/registry/platform.ts (one module, with its aliases:
 * `linux/aarch64` works wherever `linux/arm64` does); this file adds the ImageError a source
 * reports when an index has no manifest for the platform.
 */
import { type Descriptor, INDEX_MEDIA_TYPES } from "../registry/media-types.js";
import {
  formatPlatform,
  parsePlatform as parsePlatformSpec,
  hostPlatform as registryHostPlatform,
  selectPlatform as selectDescriptor,
} from "../registry/platform.js";
import { ImageError, type Platform } from "./types.js";

export { formatPlatform };

export function hostPlatform(): Platform {
  return registryHostPlatform();
}

export function parsePlatform(s: string): Platform {
  try {
    return parsePlatformSpec(s);
  } catch (err) {
    throw new ImageError((err as Error).message, "bad-format");
  }
}

export interface IndexEntry {
  digest: string;
  mediaType?: string;
  size?: number;
  platform?: { os?: string; architecture?: string; variant?: string };
  annotations?: Record<string, string>;
}

/** Choose the manifest for `want` from an index's entries; attestation manifests are skipped. */
export function selectPlatform(entries: IndexEntry[], want: Platform): IndexEntry {
  const chosen = selectDescriptor(entries as unknown as Descriptor[], want) as IndexEntry | undefined;
  if (!chosen) {
    const have = entries
      .filter((e) => e.platform)
      .map((e) => formatPlatform(e.platform as Platform))
      .join(", ");
    throw new ImageError(
      `no manifest for platform ${formatPlatform(want)} in the index (available: ${have || "none"})`,
      "no-platform",
    );
  }
  return chosen;
}

export { INDEX_MEDIA_TYPES };

export function isIndex(json: Record<string, unknown>, mediaType?: string): boolean {
  const mt = (json.mediaType as string | undefined) ?? mediaType;
  if (mt && INDEX_MEDIA_TYPES.has(mt)) return true;
  return Array.isArray(json.manifests) && !Array.isArray(json.layers);
}
