/**
 * The seam between audit/monitor and vulnerability scanning: "what is known about this digest".
 * An ImageScanSource answers from stored results (src/monitor/store.ts), by scanning
 * (scan-source.ts over image-scanner.ts), or not at all (NO_SCANS: "not scanned"). Audit asks
 * once per distinct digest, with bounded concurrency. ImageScanner is what a scanner offers:
 * scan a digest (keeping its SBOM) and match a stored SBOM again without a pull.
 */
import type { CatalogResult } from "../catalog/index.js";
import type { Severity } from "../report/finding.js";

export interface StoredVulnerability {
  id: string;
  severity: Severity;
  package: string;
  version?: string;
  fixedVersion?: string;
  /** When this digest was first seen with this finding (ISO time). */
  firstSeen: string;
}

export type ImageScanStatus =
  | {
      state: "scanned";
      /** ISO time of the scan the results come from. */
      scannedAt: string;
      vulnerabilities: StoredVulnerability[];
    }
  | {
      state: "not-scanned";
      reason: string;
      /** The scan was attempted and failed (unreadable image, registry down): operational. */
      failed?: boolean;
    };

/** One scan row before it is stored (the store adds firstSeen). */
export type ScannedVulnerability = Omit<StoredVulnerability, "firstSeen">;

/** What audit and monitor need from a scanner (image-scanner.ts; tests inject fakes). */
export interface ImageScanner {
  /** False while there is no vulnerability database (images stay "not scanned"). */
  available?(): boolean;
  /** Scan one image by digest; the SBOM is kept for rescans. */
  scan(
    repository: string,
    digest: string,
  ): Promise<{ sbom?: CatalogResult; vulnerabilities: ScannedVulnerability[] }>;
  /** Match a stored SBOM against the current database (no pull). */
  rescan?(sbom: CatalogResult): Promise<ScannedVulnerability[]>;
  /** The database's newest source update (ISO; a 304 re-check counts), for the age metric. */
  databaseUpdatedAt?(): string | undefined;
  /**
   * When the database's data last changed as far as this scanner knows (ISO), for "is a stored
   * result current" (default: databaseUpdatedAt).
   */
  databaseChangedAt?(): string | undefined;
  /** Open the database again (after `db update`). */
  reopen?(): Promise<void>;
  /**
   * Notice a database changed by someone else (another replica's update, a file swapped into
   * place, a database that appeared) and reopen it; true when its data changed.
   */
  refresh?(): Promise<boolean>;
}

export interface ImageScanSource {
  /** Results for a digest; never throws for "unknown" (that is not-scanned). */
  lookup(digest: string, repository: string): Promise<ImageScanStatus>;
}

/** No scanner and no store: every image is "not scanned". */
export const NO_SCANS: ImageScanSource = {
  async lookup() {
    return { state: "not-scanned", reason: "no scan results (scanning is not available in this build)" };
  },
};

export function countBySeverity(vulns: StoredVulnerability[]): Record<Severity, number> {
  const c: Record<Severity, number> = { critical: 0, high: 0, medium: 0, low: 0 };
  for (const v of vulns) c[v.severity]++;
  return c;
}

/** Run fn over items with at most `limit` at once; results in input order. */
export async function mapBounded<T, R>(
  items: T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
  onDone?: (done: number, total: number) => void,
): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  let done = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await fn(items[i] as T, i);
      onDone?.(++done, items.length);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return out;
}
