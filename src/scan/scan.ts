/**
 * The scan pipeline shared by `portcullis scan` and the policy's scan evidence: a catalog result
 * (an image read, or an SBOM) → the matcher's rows → where each package came from → what is
 * suppressed (--ignore-unfixed, ignore file, VEX, policy ignores) → what is shown (--severity).
 * Reading images and opening the database are the caller's (see scanImageSource below).
 */
import type { CatalogResult } from "../catalog/index.js";
import type { Dockerfile } from "../dockerfile/index.js";
import type { VulnStore } from "../vulndb/types.js";
import { applyIgnores, type IgnoreEntry } from "./ignore-file.js";
import { matchPackages } from "./match/index.js";
import { dockerfileOrigins, layerOf, targetOf } from "./origin.js";
import type { ScanFinding, ScanNote, ScanResult } from "./result.js";
import type { VulnSeverity } from "./types.js";
import { applyVex, type VexStatement } from "./vex.js";

export interface ScanOptions {
  /** Severities shown (default: all). Suppression and --fail-on only look at shown rows. */
  severities?: VulnSeverity[];
  ignoreUnfixed?: boolean;
  ignores?: IgnoreEntry[];
  /** Ignores from a policy (reported as `policy`). */
  policyIgnores?: IgnoreEntry[];
  vex?: VexStatement[];
  dockerfile?: Dockerfile;
  now?: Date;
  database?: { location: string; updatedAt?: string };
}

export async function scanCatalog(
  catalog: CatalogResult,
  store: VulnStore,
  opts: ScanOptions = {},
): Promise<ScanResult> {
  const startedAt = new Date();
  const now = opts.now ?? startedAt;
  const matched = await matchPackages(store, { packages: catalog.packages, os: catalog.os });
  const origins = opts.dockerfile ? dockerfileOrigins(catalog.image, opts.dockerfile) : undefined;
  const rows: ScanFinding[] = matched.vulnerabilities.map((m) => {
    const layer = layerOf(m.package, catalog.image);
    const dockerfile = layer ? origins?.get(layer.index) : undefined;
    return {
      ...m,
      target: targetOf(m.package),
      ...(layer ? { layer } : {}),
      ...(dockerfile ? { dockerfile } : {}),
    };
  });
  const notes: ScanNote[] = [...matched.notes];
  if (opts.ignoreUnfixed) {
    for (const r of rows)
      if (!r.fixedVersions.length)
        r.suppressed = { by: "ignore-unfixed", reason: "no fixed version yet (--ignore-unfixed)" };
  }
  if (opts.policyIgnores?.length) notes.push(...applyIgnores(rows, opts.policyIgnores, now, "policy"));
  if (opts.ignores?.length) notes.push(...applyIgnores(rows, opts.ignores, now));
  if (opts.vex?.length)
    applyVex(rows, opts.vex, { reference: catalog.image.reference, digest: catalog.image.digest });
  const shown = opts.severities ? rows.filter((r) => opts.severities?.includes(r.severity)) : rows;
  shown.sort(compareRows);
  return {
    artifact: {
      reference: catalog.image.reference,
      ...(catalog.image.digest ? { digest: catalog.image.digest } : {}),
      ...(catalog.os
        ? {
            os: {
              family: catalog.os.family,
              version: catalog.os.version,
              ...(catalog.os.prettyName ? { name: catalog.os.prettyName } : {}),
            },
          }
        : {}),
    },
    packages: catalog.packages.length,
    vulnerabilities: shown,
    hiddenBySeverity: rows.length - shown.length,
    notes,
    errors: catalog.errors,
    ...(opts.database ? { database: opts.database } : {}),
    startedAt: startedAt.toISOString(),
    finishedAt: new Date().toISOString(),
  };
}

const RANK: Record<VulnSeverity, number> = {
  critical: 0,
  high: 1,
  medium: 2,
  low: 3,
  negligible: 4,
  unknown: 5,
};

/** Target (os first), then package, then most severe first, then id. */
function compareRows(a: ScanFinding, b: ScanFinding): number {
  if (a.target !== b.target)
    return a.target === "os" ? -1 : b.target === "os" ? 1 : a.target < b.target ? -1 : 1;
  if (a.package.name !== b.package.name) return a.package.name < b.package.name ? -1 : 1;
  if (a.package.version !== b.package.version) return a.package.version < b.package.version ? -1 : 1;
  if (a.severity !== b.severity) return RANK[a.severity] - RANK[b.severity];
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
