/**
 * Platform selection for image indexes (OCI index / Docker manifest list): parse `os/arch[/variant]`,
 * pick the matching manifest descriptor, default to linux on the host's architecture.
 */
import { ImageError, type Platform } from "./types.js";

const NODE_ARCH: Record<string, string> = { x64: "amd64", arm64: "arm64", arm: "arm", ia32: "386" };

export function hostPlatform(): Platform {
  return { os: "linux", architecture: NODE_ARCH[process.arch] ?? process.arch };
}

export function parsePlatform(s: string): Platform {
  const parts = s.split("/");
  if (parts.length < 2 || parts.length > 3 || parts.some((p) => p === "")) {
    throw new ImageError(
      `invalid platform '${s}': expected os/arch[/variant], e.g. linux/arm64`,
      "bad-format",
    );
  }
  return { os: parts[0], architecture: parts[1], variant: parts[2] };
}

export function formatPlatform(p: Platform): string {
  return `${p.os}/${p.architecture}${p.variant ? `/${p.variant}` : ""}`;
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
  const candidates = entries.filter(
    (e) =>
      e.platform &&
      e.platform.os === want.os &&
      e.platform.architecture === want.architecture &&
      e.annotations?.["vnd.docker.reference.type"] !== "attestation-manifest",
  );
  const exact = candidates.find((e) => (want.variant ? e.platform?.variant === want.variant : true));
  const chosen =
    exact ??
    // arm64 images often carry variant v8 while users ask for linux/arm64.
    candidates.find((e) => !want.variant || !e.platform?.variant);
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

export const INDEX_MEDIA_TYPES = new Set([
  "application/vnd.oci.image.index.v1+json",
  "application/vnd.docker.distribution.manifest.list.v2+json",
]);

export function isIndex(json: Record<string, unknown>, mediaType?: string): boolean {
  const mt = (json.mediaType as string | undefined) ?? mediaType;
  if (mt && INDEX_MEDIA_TYPES.has(mt)) return true;
  return Array.isArray(json.manifests) && !Array.isArray(json.layers);
}
