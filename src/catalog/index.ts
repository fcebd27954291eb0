/**
 * The cataloger registry and `catalogImage`: one walk over the image feeds every cataloger the
 * files it asked for, OS detection runs alongside, and the surviving findings become a package
 * list (merged by purl, so a package seen in node_modules and in the lockfile is one entry
 * with two locations). Adding an ecosystem is adding a file and a line in CATALOGERS.
 */
import { detectOs, osReleaseRequest } from "../image/os-release.js";
import { type ReadImageOptions, readImage } from "../image/read-image.js";
import type { Image } from "../image/types.js";
import { type FileRequest, type Found, type LayerProgress, walkImage } from "../image/walk.js";
import { apkCataloger } from "./apk.js";
import { cargoAuditableCataloger } from "./cargo-auditable.js";
import { cargoLockCataloger } from "./cargo-lock.js";
import { dpkgCataloger } from "./dpkg.js";
import { gemfileLockCataloger } from "./gemfile-lock.js";
import { gemspecCataloger } from "./gemspec.js";
import { goBinaryCataloger } from "./go-binary.js";
import { javaArchiveCataloger } from "./java-archive.js";
import { npmLockCataloger } from "./npm-lock.js";
import { npmPackageCataloger } from "./npm-package.js";
import { pipfileLockCataloger } from "./pipfile-lock.js";
import { pnpmLockCataloger } from "./pnpm-lock.js";
import { poetryLockCataloger } from "./poetry-lock.js";
import { pythonMetadataCataloger } from "./python-metadata.js";
import { rpmCataloger } from "./rpm.js";
import type { CatalogError, Cataloger, CatalogResult, ImageSummary, Package } from "./types.js";
import { yarnLockCataloger } from "./yarn-lock.js";

export type { CatalogContext, Cataloger, Package, PackageLocation, PackageType } from "./types.js";

export const CATALOGERS: Cataloger[] = [
  dpkgCataloger,
  apkCataloger,
  rpmCataloger,
  npmPackageCataloger,
  npmLockCataloger,
  yarnLockCataloger,
  pnpmLockCataloger,
  pythonMetadataCataloger,
  poetryLockCataloger,
  pipfileLockCataloger,
  goBinaryCataloger,
  javaArchiveCataloger,
  gemspecCataloger,
  gemfileLockCataloger,
  cargoLockCataloger,
  cargoAuditableCataloger,
] as Cataloger[];

export type { CatalogError, CatalogResult, ImageSummary } from "./types.js";

export interface CatalogOptions extends ReadImageOptions {
  /** Only these cataloger ids (default: all). */
  catalogers?: string[];
  onProgress?: (p: LayerProgress) => void;
  /** Layers decompressed and read at the same time (default 2; see WalkOptions.parallel). */
  parallel?: number;
}

/** Merge packages with the same purl (and same name/version when no purl). */
export function mergePackages(pkgs: Package[]): Package[] {
  const byKey = new Map<string, Package>();
  for (const p of pkgs) {
    const key = p.purl || `${p.type}/${p.name}@${p.version}`;
    const have = byKey.get(key);
    if (!have) {
      byKey.set(key, { ...p, locations: [...p.locations], licenses: [...p.licenses] });
      continue;
    }
    for (const l of p.locations) {
      if (!have.locations.some((x) => x.path === l.path && x.layerIndex === l.layerIndex))
        have.locations.push(l);
    }
    for (const l of p.licenses) if (!have.licenses.includes(l)) have.licenses.push(l);
  }
  return [...byKey.values()].sort(
    (a, b) =>
      a.type.localeCompare(b.type) || a.name.localeCompare(b.name) || a.version.localeCompare(b.version),
  );
}

export function summarizeImage(image: Image): ImageSummary {
  return {
    reference: image.reference,
    kind: image.kind,
    digest: image.digest,
    configDigest: image.configDigest,
    platform: image.platform,
    config: image.config,
    layers: image.layers.map((l) => ({
      index: l.index,
      digest: l.digest,
      diffId: l.diffId,
      size: l.size,
      mediaType: l.mediaType,
      createdBy: l.createdBy,
    })),
  };
}

/** Catalog an opened image: one walk, all catalogers. */
export async function catalogOpenedImage(image: Image, opts: CatalogOptions = {}): Promise<CatalogResult> {
  const catalogers = opts.catalogers ? CATALOGERS.filter((c) => opts.catalogers?.includes(c.id)) : CATALOGERS;
  const errors: CatalogError[] = [];
  const requests: FileRequest[] = [osReleaseRequest, ...catalogers];
  const { found, stats } = await walkImage(image, requests, {
    onProgress: opts.onProgress,
    parallel: opts.parallel,
    onFileError: (path, cataloger, err) => errors.push({ path: `/${path}`, cataloger, message: err.message }),
  });
  const os = detectOs(found);
  const byRequest = new Map<string, Found[]>();
  for (const f of found) {
    const list = byRequest.get(f.requestId) ?? [];
    list.push(f);
    byRequest.set(f.requestId, list);
  }
  const packages: Package[] = [];
  for (const c of catalogers) {
    try {
      const problem = (path: string, message: string) =>
        errors.push({ path: path.startsWith("/") ? path : `/${path}`, cataloger: c.id, message });
      packages.push(...c.build(byRequest.get(c.id) ?? [], { os, problem }));
    } catch (err) {
      errors.push({ path: "-", cataloger: c.id, message: (err as Error).message });
    }
  }
  // Attach diff_ids to locations.
  for (const p of packages) {
    for (const l of p.locations) {
      if (l.layerIndex !== undefined && image.layers[l.layerIndex])
        l.diffId = image.layers[l.layerIndex].diffId;
    }
  }
  return { image: summarizeImage(image), os, packages: mergePackages(packages), errors, stats };
}

/** Read and catalog an image (any source, including a saved SBOM via `sbom:FILE`). */
export async function catalogImage(source: string, opts: CatalogOptions = {}): Promise<CatalogResult> {
  if (source.startsWith("sbom:")) {
    const { readSbomFile } = await import("../sbom/read.js");
    return readSbomFile(source.slice("sbom:".length));
  }
  const image = await readImage(source, opts);
  try {
    return await catalogOpenedImage(image, opts);
  } finally {
    await image.close?.();
  }
}
