/**
 * The image model shared by the sources (registry, OCI layout, docker-archive, directory) and the
 * layer walker: the parsed image config that later checks read (user, env, entrypoint, history,
 * labels) and the list of layers, each able to open its compressed blob as a stream. Nothing here
 * reads layer contents; see walk.ts for that.
 */
import type { Readable } from "node:stream";

/** The kind of a file in a layer. */
export type EntryType = "file" | "dir" | "symlink" | "link" | "other";

/** A file of an image, as the tar reader and the walker describe it. */
export interface EntryInfo {
  /** Relative to the image root, no leading slash: `etc/os-release`. */
  path: string;
  type: EntryType;
  size: number;
  mode: number;
  linkname?: string;
}

export interface Platform {
  os: string;
  architecture: string;
  variant?: string;
}

export interface HistoryEntry {
  created?: string;
  createdBy?: string;
  comment?: string;
  emptyLayer: boolean;
}

/** The parts of an OCI/Docker image config that checks need, with defaults filled in. */
export interface ImageConfig {
  os: string;
  architecture: string;
  variant?: string;
  created?: string;
  user?: string;
  env: string[];
  entrypoint?: string[];
  cmd?: string[];
  workingDir?: string;
  labels: Record<string, string>;
  exposedPorts: string[];
  stopSignal?: string;
  history: HistoryEntry[];
  /** Uncompressed layer digests, bottom first. */
  diffIds: string[];
}

export interface LayerDescriptor {
  /** 0 = bottom layer. */
  index: number;
  /** Digest of the blob as stored (compressed), or of the tar for docker-archive layers without one. */
  digest: string;
  /** Uncompressed digest from the config, when known. */
  diffId?: string;
  mediaType: string;
  /** Blob size in bytes (compressed), -1 when unknown. */
  size: number;
  /** The history entry's created_by that produced this layer, when it can be matched. */
  createdBy?: string;
  /** Open the stored blob (still compressed). Called once per walk. */
  open(): Promise<Readable>;
}

export type ImageSourceKind = "registry" | "oci" | "docker-archive" | "dir";

export interface Image {
  kind: ImageSourceKind;
  /** What the user asked for, as given (e.g. `oci:/tmp/layout:app`). */
  reference: string;
  /** The manifest digest, when the image came from a manifest. */
  digest?: string;
  /** Digest of the config blob, when known. */
  configDigest?: string;
  /** The selected platform when the reference named an index. */
  platform?: Platform;
  config: ImageConfig;
  layers: LayerDescriptor[];
  /** For `dir:` sources: the root directory, walked instead of layers. */
  rootDir?: string;
  /** Release network connections (registry sources). */
  close?: () => Promise<void>;
}

/** Fill an ImageConfig from the raw config JSON of an OCI or Docker image. */
export function parseImageConfig(raw: unknown): ImageConfig {
  const o = (raw ?? {}) as Record<string, unknown>;
  const c = (o.config ?? o.container_config ?? {}) as Record<string, unknown>;
  const strArr = (v: unknown): string[] | undefined =>
    Array.isArray(v) ? v.filter((x): x is string => typeof x === "string") : undefined;
  const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);
  const rootfs = (o.rootfs ?? {}) as Record<string, unknown>;
  const history = Array.isArray(o.history) ? (o.history as Record<string, unknown>[]) : [];
  const labels: Record<string, string> = {};
  if (c.Labels && typeof c.Labels === "object") {
    for (const [k, v] of Object.entries(c.Labels as Record<string, unknown>)) {
      if (typeof v === "string") labels[k] = v;
    }
  }
  return {
    os: str(o.os) ?? "",
    architecture: str(o.architecture) ?? "",
    variant: str(o.variant),
    created: str(o.created),
    user: str(c.User),
    env: strArr(c.Env) ?? [],
    entrypoint: strArr(c.Entrypoint),
    cmd: strArr(c.Cmd),
    workingDir: str(c.WorkingDir),
    labels,
    exposedPorts: c.ExposedPorts && typeof c.ExposedPorts === "object" ? Object.keys(c.ExposedPorts) : [],
    stopSignal: str(c.StopSignal),
    history: history.map((h) => ({
      created: str(h.created),
      createdBy: str(h.created_by),
      comment: str(h.comment),
      emptyLayer: h.empty_layer === true,
    })),
    diffIds: strArr(rootfs.diff_ids) ?? [],
  };
}

/** Attach each non-empty history entry's created_by to its layer, in order. */
export function historyForLayers(config: ImageConfig, layerCount: number): (string | undefined)[] {
  const out: (string | undefined)[] = [];
  for (const h of config.history) {
    if (h.emptyLayer) continue;
    out.push(h.createdBy);
  }
  // When history does not line up with the layers, do not guess.
  return out.length === layerCount ? out : new Array(layerCount).fill(undefined);
}

export class ImageError extends Error {
  override readonly name = "ImageError";
  constructor(
    message: string,
    readonly code: "not-found" | "bad-format" | "unsupported" | "no-platform" | "io",
  ) {
    super(message);
  }
}
