/**
 * The results store's contract (ResultStore) and what both backends share: the record plan
 * (first-seen times carried over, new findings returned), the SBOM packing (gzipped catalog
 * JSON) and rows → status. Opening a store by location is store.ts's.
 */
import { gunzipSync, gzipSync } from "node:zlib";
import type {
  ImageScanSource,
  ImageScanStatus,
  ScannedVulnerability,
  StoredVulnerability,
} from "../audit/scan-status.js";
import type { CatalogResult } from "../catalog/index.js";
import { isSeverity, type Severity } from "../report/finding.js";

export interface ScanRecordInput {
  digest: string;
  repository: string;
  scannedAt: Date;
  /** The image's catalog (kept gzipped JSON), for rescans without a pull. */
  sbom?: CatalogResult;
  vulnerabilities: ScannedVulnerability[];
}

export interface ResultStore extends ImageScanSource {
  /** Note a digest as seen (no scan yet). True when it is new. */
  see(digest: string, repository: string, at: Date): Promise<boolean>;
  /**
   * Store one scan's results, replacing the digest's previous findings (fixed ones disappear,
   * old ones keep their first-seen time; the SBOM is kept when none is given). Returns the
   * findings that are new for this digest.
   */
  record(input: ScanRecordInput): Promise<StoredVulnerability[]>;
  lookup(digest: string): Promise<ImageScanStatus>;
  /** Digests with a stored SBOM, for a rescan after a database update. */
  sbomDigests(): Promise<{ digest: string; repository: string }[]>;
  /** The SBOM stored for a digest (undefined when none or unreadable). */
  storedSbom(digest: string): Promise<CatalogResult | undefined>;
  close(): Promise<void>;
}

export function packSbom(sbom: CatalogResult): Buffer {
  return gzipSync(JSON.stringify(sbom));
}

export function unpackSbom(data: Buffer): CatalogResult | undefined {
  try {
    return JSON.parse(gunzipSync(data).toString("utf8")) as CatalogResult;
  } catch {
    return undefined;
  }
}

/** The rows to write for a scan (first-seen times carried over) and those new for the digest. */
export function planRecord(
  old: { vuln_id: string; package: string; first_seen: string }[],
  input: ScanRecordInput,
): { rows: StoredVulnerability[]; fresh: StoredVulnerability[] } {
  const at = input.scannedAt.toISOString();
  const before = new Map(old.map((r) => [`${r.vuln_id}|${r.package}`, r.first_seen]));
  const rows = new Map<string, StoredVulnerability>();
  const fresh: StoredVulnerability[] = [];
  for (const v of input.vulnerabilities) {
    const key = `${v.id}|${v.package}`;
    if (rows.has(key)) continue;
    const firstSeen = before.get(key) ?? at;
    rows.set(key, { ...v, firstSeen });
    if (!before.has(key)) fresh.push({ ...v, firstSeen });
  }
  return { rows: [...rows.values()], fresh };
}

export interface FindingRow {
  vuln_id: string;
  package: string;
  version: string | null;
  fixed_version: string | null;
  severity: string;
  first_seen: string;
}

/** A scanned status from stored rows (sorted by id, then package). */
export function statusFrom(scannedAt: string, rows: FindingRow[]): ImageScanStatus {
  return {
    state: "scanned",
    scannedAt,
    vulnerabilities: rows.map((r) => ({
      id: r.vuln_id,
      package: r.package,
      severity: (isSeverity(r.severity) ? r.severity : "low") as Severity,
      ...(r.version ? { version: r.version } : {}),
      ...(r.fixed_version ? { fixedVersion: r.fixed_version } : {}),
      firstSeen: r.first_seen,
    })),
  };
}
