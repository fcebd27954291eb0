/**
 * The package model and the cataloger contract. A cataloger is one object per ecosystem file
 * format: it says which paths it wants (the walker hands it only those, after whiteouts), reads
 * each into a compact value while the layer streams, and at the end turns the surviving values
 * into packages. Catalogers know nothing of layers, whiteouts or output formats.
 */
import type { OsInfo } from "../image/os-release.js";
import type { Image, ImageConfig, Platform } from "../image/types.js";
import type { EntryInfo, Found, WalkStats, WantedFile } from "../image/walk.js";

/** purl types. */
export type PackageType = "deb" | "apk" | "rpm" | "npm" | "pypi" | "golang" | "maven" | "gem" | "cargo";

export interface PackageLocation {
  path: string;
  layerIndex?: number;
  /** The layer blob digest (as in the manifest). */
  layerDigest?: string;
  /** The layer's uncompressed digest (diff_id), when known. */
  diffId?: string;
}

export interface Package {
  name: string;
  version: string;
  type: PackageType;
  purl: string;
  /** Declared licenses as found (SPDX ids or expressions where the source gives them, else free text). */
  licenses: string[];
  locations: PackageLocation[];
  /** Id of the cataloger that found it (first one, when merged). */
  foundBy: string;
  /** OS packages: the source package (dpkg Source, apk origin, rpm source rpm). */
  source?: { name: string; version?: string };
  arch?: string;
  /** Extra facts: go main module, java groupId, npm dev flag, ... */
  metadata?: Record<string, string | boolean>;
}

export interface CatalogContext {
  os?: OsInfo;
  /** Report a problem with one input file (a bad row, an unreadable nested archive); the
   *  cataloger goes on with the rest. Becomes an error entry of the result. */
  problem?(path: string, message: string): void;
}

export interface Cataloger<T = unknown> {
  id: string;
  title: string;
  /** What it reads and what it does not (shown in docs). */
  docs: string;
  wants(path: string, info: EntryInfo): boolean;
  read(file: WantedFile): Promise<T | undefined>;
  build(found: Found<T>[], ctx: CatalogContext): Package[];
}

export function basename(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}

export function dirname(path: string): string {
  const i = path.lastIndexOf("/");
  return i === -1 ? "" : path.slice(0, i);
}

export function locationOf(f: Found): PackageLocation {
  return { path: `/${f.path}`, layerIndex: f.layerIndex, layerDigest: f.layerDigest };
}

/** A name@version entry read from a lock file. */
export interface LockEntry {
  name: string;
  version: string;
}

/**
 * The packages of lock-file entries: one per entry, located at the lock file, with no declared
 * licenses (lock files do not carry them). Shared by the yarn, pnpm, poetry, Pipfile, Gemfile
 * and Cargo lock catalogers and by cargo-auditable (a lock file embedded in a binary), which
 * differ only in package type, purl and metadata.
 */
export function lockFilePackages<E extends LockEntry>(
  found: Found<E[]>[],
  spec: {
    type: PackageType;
    foundBy: string;
    purl(entry: E): string;
    metadata?(entry: E): Package["metadata"];
  },
): Package[] {
  return found.flatMap((f) =>
    f.value.map(
      (e): Package => ({
        name: e.name,
        version: e.version,
        type: spec.type,
        purl: spec.purl(e),
        licenses: [],
        locations: [locationOf(f)],
        foundBy: spec.foundBy,
        ...(spec.metadata ? { metadata: spec.metadata(e) } : {}),
      }),
    ),
  );
}

/** Text of a file, limited to `limit` bytes. */
export async function readText(file: WantedFile, limit = 16 << 20): Promise<string> {
  return (await file.readAll(limit)).toString("utf8");
}

/** Split RFC 822-style stanzas (dpkg status, apk installed) on blank lines. */
export function stanzas(text: string): string[] {
  return text.split(/\r?\n\s*\r?\n/).filter((s) => s.trim() !== "");
}

/** What cataloging an image gives: the image, its OS, its packages and what could not be read. */
export interface CatalogError {
  path: string;
  cataloger: string;
  message: string;
}

export interface ImageSummary {
  reference: string;
  kind: Image["kind"] | "sbom";
  digest?: string;
  configDigest?: string;
  platform?: Platform;
  config?: ImageConfig;
  layers: {
    index: number;
    digest: string;
    diffId?: string;
    size: number;
    mediaType: string;
    createdBy?: string;
  }[];
}

export interface CatalogResult {
  image: ImageSummary;
  os?: OsInfo;
  packages: Package[];
  errors: CatalogError[];
  stats?: WalkStats;
}
