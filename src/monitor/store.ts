/**
 * Scan results per image digest, kept in a small SQLite file (better-sqlite3): when each digest
 * was first seen and last scanned, its SBOM (for rescans after a database update, no pull), and
 * its findings with the time each was first seen, so `audit --since` can list what is new and
 * `monitor` can tell a new critical finding from an old one. Implements ImageScanSource for audit.
 * Not for: vulnerability data itself (src/vulndb).
 */
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { gunzipSync, gzipSync } from "node:zlib";
import type Database from "better-sqlite3";
import type {
  ImageScanSource,
  ImageScanStatus,
  ScannedVulnerability,
  StoredVulnerability,
} from "../audit/scan-status.js";
import type { CatalogResult } from "../catalog/index.js";
import { isSeverity, type Severity } from "../report/finding.js";

const SCHEMA = `
CREATE TABLE IF NOT EXISTS images (
  digest TEXT PRIMARY KEY,
  repository TEXT NOT NULL,
  first_seen TEXT NOT NULL,
  scanned_at TEXT,
  sbom TEXT
);
CREATE TABLE IF NOT EXISTS findings (
  digest TEXT NOT NULL REFERENCES images(digest) ON DELETE CASCADE,
  vuln_id TEXT NOT NULL,
  package TEXT NOT NULL,
  version TEXT,
  fixed_version TEXT,
  severity TEXT NOT NULL,
  first_seen TEXT NOT NULL,
  PRIMARY KEY (digest, vuln_id, package)
);
CREATE INDEX IF NOT EXISTS findings_first_seen ON findings(first_seen);
PRAGMA user_version = 1;
`;

export interface ScanRecordInput {
  digest: string;
  repository: string;
  scannedAt: Date;
  /** The image's catalog (kept gzipped JSON), for rescans without a pull. */
  sbom?: CatalogResult;
  vulnerabilities: ScannedVulnerability[];
}

export class ResultStore implements ImageScanSource {
  private constructor(private readonly db: Database.Database) {}

  /** Open (creating) the store; better-sqlite3 is loaded on first use. */
  static async open(file: string): Promise<ResultStore> {
    const { default: Sqlite } = await import("better-sqlite3");
    if (file !== ":memory:") mkdirSync(dirname(file), { recursive: true });
    const db = new Sqlite(file);
    db.pragma("journal_mode = WAL");
    db.pragma("foreign_keys = ON");
    db.exec(SCHEMA);
    return new ResultStore(db);
  }

  /** Note a digest as seen (no scan yet). Returns true when it is new. */
  see(digest: string, repository: string, at: Date): boolean {
    const r = this.db
      .prepare("INSERT OR IGNORE INTO images (digest, repository, first_seen) VALUES (?, ?, ?)")
      .run(digest, repository, at.toISOString());
    return r.changes > 0;
  }

  /**
   * Store one scan's results, replacing the digest's previous findings (fixed ones disappear,
   * old ones keep their first-seen time). Returns the findings that are new for this digest.
   */
  record(input: ScanRecordInput): StoredVulnerability[] {
    const at = input.scannedAt.toISOString();
    const fresh: StoredVulnerability[] = [];
    this.db.transaction(() => {
      this.see(input.digest, input.repository, input.scannedAt);
      this.db
        .prepare("UPDATE images SET scanned_at = ?, sbom = COALESCE(?, sbom) WHERE digest = ?")
        .run(at, input.sbom ? gzipSync(JSON.stringify(input.sbom)) : null, input.digest);
      const old = new Map(
        (
          this.db
            .prepare("SELECT vuln_id, package, first_seen FROM findings WHERE digest = ?")
            .all(input.digest) as {
            vuln_id: string;
            package: string;
            first_seen: string;
          }[]
        ).map((r) => [`${r.vuln_id}|${r.package}`, r.first_seen]),
      );
      this.db.prepare("DELETE FROM findings WHERE digest = ?").run(input.digest);
      const ins = this.db.prepare(
        "INSERT OR REPLACE INTO findings (digest, vuln_id, package, version, fixed_version, severity, first_seen) VALUES (?, ?, ?, ?, ?, ?, ?)",
      );
      for (const v of input.vulnerabilities) {
        const firstSeen = old.get(`${v.id}|${v.package}`) ?? at;
        ins.run(
          input.digest,
          v.id,
          v.package,
          v.version ?? null,
          v.fixedVersion ?? null,
          v.severity,
          firstSeen,
        );
        if (!old.has(`${v.id}|${v.package}`)) fresh.push({ ...v, firstSeen });
      }
    })();
    return fresh;
  }

  async lookup(digest: string): Promise<ImageScanStatus> {
    const img = this.db.prepare("SELECT scanned_at FROM images WHERE digest = ?").get(digest) as
      | { scanned_at: string | null }
      | undefined;
    if (!img?.scanned_at)
      return { state: "not-scanned", reason: img ? "seen, not scanned yet" : "no stored scan" };
    const rows = this.db
      .prepare(
        "SELECT vuln_id, package, version, fixed_version, severity, first_seen FROM findings WHERE digest = ? ORDER BY vuln_id, package",
      )
      .all(digest) as {
      vuln_id: string;
      package: string;
      version: string | null;
      fixed_version: string | null;
      severity: string;
      first_seen: string;
    }[];
    return {
      state: "scanned",
      scannedAt: img.scanned_at,
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

  /** Digests with a stored SBOM, for a rescan after a database update. */
  sbomDigests(): { digest: string; repository: string }[] {
    return this.db
      .prepare("SELECT digest, repository FROM images WHERE sbom IS NOT NULL ORDER BY digest")
      .all() as { digest: string; repository: string }[];
  }

  /** The SBOM stored for a digest (undefined when none or unreadable). */
  storedSbom(digest: string): CatalogResult | undefined {
    const row = this.db.prepare("SELECT sbom FROM images WHERE digest = ?").get(digest) as
      | { sbom: Buffer | null }
      | undefined;
    if (!row?.sbom) return undefined;
    try {
      return JSON.parse(gunzipSync(row.sbom).toString("utf8")) as CatalogResult;
    } catch {
      return undefined;
    }
  }

  /** Highest severity per scanned digest (for metrics). */
  highestSeverities(): Map<string, Severity | "none"> {
    const rows = this.db
      .prepare(
        "SELECT i.digest AS digest, f.severity AS severity FROM images i LEFT JOIN findings f ON f.digest = i.digest WHERE i.scanned_at IS NOT NULL",
      )
      .all() as { digest: string; severity: string | null }[];
    const rank = { none: 0, low: 1, medium: 2, high: 3, critical: 4 } as const;
    const out = new Map<string, Severity | "none">();
    for (const r of rows) {
      const s = (r.severity && isSeverity(r.severity) ? r.severity : "none") as Severity | "none";
      const prev = out.get(r.digest) ?? "none";
      out.set(r.digest, rank[s] > rank[prev] ? s : prev);
    }
    return out;
  }

  close(): void {
    this.db.close();
  }
}

/** Default location: $XDG_CACHE_HOME/portcullis/results.db (beside the vulnerability database). */
export function defaultStorePath(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CACHE_HOME || `${env.HOME ?? "."}/.cache`;
  return `${base}/portcullis/results.db`;
}
