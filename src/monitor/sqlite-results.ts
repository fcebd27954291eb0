/**
 * The results store (results.ts) in a small SQLite file (better-sqlite3), the default: one file on
 * the monitor's volume or in the user's cache. Statements run synchronously inside the async API.
 */
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import type Database from "better-sqlite3";
import type { ImageScanStatus, StoredVulnerability } from "../audit/scan-status.js";
import type { CatalogResult } from "../catalog/index.js";
import {
  type FindingRow,
  packSbom,
  planRecord,
  type ResultStore,
  type ScanRecordInput,
  statusFrom,
  unpackSbom,
} from "./results.js";

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

export class SqliteResultStore implements ResultStore {
  private constructor(private readonly db: Database.Database) {}

  /** Open (creating) the store; better-sqlite3 is loaded on first use. */
  static async open(file: string): Promise<SqliteResultStore> {
    const { default: Sqlite } = await import("better-sqlite3");
    if (file !== ":memory:") mkdirSync(dirname(file), { recursive: true });
    const db = new Sqlite(file);
    db.pragma("journal_mode = WAL");
    db.pragma("foreign_keys = ON");
    db.exec(SCHEMA);
    return new SqliteResultStore(db);
  }

  async see(digest: string, repository: string, at: Date): Promise<boolean> {
    return this.seeSync(digest, repository, at);
  }

  private seeSync(digest: string, repository: string, at: Date): boolean {
    const r = this.db
      .prepare("INSERT OR IGNORE INTO images (digest, repository, first_seen) VALUES (?, ?, ?)")
      .run(digest, repository, at.toISOString());
    return r.changes > 0;
  }

  async record(input: ScanRecordInput): Promise<StoredVulnerability[]> {
    let fresh: StoredVulnerability[] = [];
    this.db.transaction(() => {
      this.seeSync(input.digest, input.repository, input.scannedAt);
      this.db
        .prepare("UPDATE images SET scanned_at = ?, sbom = COALESCE(?, sbom) WHERE digest = ?")
        .run(input.scannedAt.toISOString(), input.sbom ? packSbom(input.sbom) : null, input.digest);
      const old = this.db
        .prepare("SELECT vuln_id, package, first_seen FROM findings WHERE digest = ?")
        .all(input.digest) as { vuln_id: string; package: string; first_seen: string }[];
      const plan = planRecord(old, input);
      fresh = plan.fresh;
      this.db.prepare("DELETE FROM findings WHERE digest = ?").run(input.digest);
      const ins = this.db.prepare(
        "INSERT OR REPLACE INTO findings (digest, vuln_id, package, version, fixed_version, severity, first_seen) VALUES (?, ?, ?, ?, ?, ?, ?)",
      );
      for (const r of plan.rows)
        ins.run(
          input.digest,
          r.id,
          r.package,
          r.version ?? null,
          r.fixedVersion ?? null,
          r.severity,
          r.firstSeen,
        );
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
      .all(digest) as FindingRow[];
    return statusFrom(img.scanned_at, rows);
  }

  /** Digests with a stored SBOM, for a rescan after a database update. */
  async sbomDigests(): Promise<{ digest: string; repository: string }[]> {
    return this.db
      .prepare("SELECT digest, repository FROM images WHERE sbom IS NOT NULL ORDER BY digest")
      .all() as { digest: string; repository: string }[];
  }

  /** The SBOM stored for a digest (undefined when none or unreadable). */
  async storedSbom(digest: string): Promise<CatalogResult | undefined> {
    const row = this.db.prepare("SELECT sbom FROM images WHERE digest = ?").get(digest) as
      | { sbom: Buffer | null }
      | undefined;
    return row?.sbom ? unpackSbom(row.sbom) : undefined;
  }

  async close(): Promise<void> {
    this.db.close();
  }
}
