/**
 * The results store (results.ts) in PostgreSQL (pg): for a monitor whose data lives in the shared
 * database, and audits run elsewhere that read the same results. Tables are prefixed `monitor_`
 * (the vulnerability data's are `vuln_`), created on first open under an advisory lock; each
 * record is one transaction that locks its image row, so replicas and audits never interleave
 * the findings of one digest.
 */
import type pg from "pg";
import type { ImageScanStatus, StoredVulnerability } from "../audit/scan-status.js";
import type { CatalogResult } from "../catalog/index.js";
import { openPool } from "../vulndb/pg-pool.js";
import {
  type FindingRow,
  packSbom,
  planRecord,
  type ResultStore,
  type ScanRecordInput,
  statusFrom,
  unpackSbom,
} from "./results.js";

/** Advisory lock key for creating the tables ("MONI"). */
const SCHEMA_LOCK = 0x4d4f4e49;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS monitor_images (
  digest TEXT PRIMARY KEY,
  repository TEXT NOT NULL,
  first_seen TEXT NOT NULL,
  scanned_at TEXT,
  sbom BYTEA
);
CREATE TABLE IF NOT EXISTS monitor_findings (
  digest TEXT NOT NULL REFERENCES monitor_images(digest) ON DELETE CASCADE,
  vuln_id TEXT NOT NULL,
  package TEXT NOT NULL,
  version TEXT,
  fixed_version TEXT,
  severity TEXT NOT NULL,
  first_seen TEXT NOT NULL,
  PRIMARY KEY (digest, vuln_id, package)
);
CREATE INDEX IF NOT EXISTS monitor_findings_first_seen ON monitor_findings (first_seen);
`;

export class PostgresResultStore implements ResultStore {
  private constructor(
    private readonly pool: pg.Pool,
    readonly location: string,
  ) {}

  static async open(url: string, opts: { connectTimeoutMs?: number } = {}): Promise<PostgresResultStore> {
    const { pool, location } = openPool(url, opts.connectTimeoutMs);
    const store = new PostgresResultStore(pool, location);
    try {
      await store.transaction(async (c) => {
        await c.query("SELECT pg_advisory_xact_lock($1)", [SCHEMA_LOCK]);
        await c.query(SCHEMA);
      });
    } catch (err) {
      await pool.end().catch(() => {});
      throw new Error(`cannot use PostgreSQL at ${location} for scan results: ${(err as Error).message}`);
    }
    return store;
  }

  private async transaction<T>(fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    const c = await this.pool.connect();
    try {
      await c.query("BEGIN");
      const out = await fn(c);
      await c.query("COMMIT");
      return out;
    } catch (err) {
      await c.query("ROLLBACK").catch(() => {});
      throw err;
    } finally {
      c.release();
    }
  }

  async see(digest: string, repository: string, at: Date): Promise<boolean> {
    const r = await this.pool.query(
      "INSERT INTO monitor_images (digest, repository, first_seen) VALUES ($1, $2, $3) ON CONFLICT (digest) DO NOTHING",
      [digest, repository, at.toISOString()],
    );
    return (r.rowCount ?? 0) > 0;
  }

  async record(input: ScanRecordInput): Promise<StoredVulnerability[]> {
    return this.transaction(async (c) => {
      await c.query(
        "INSERT INTO monitor_images (digest, repository, first_seen) VALUES ($1, $2, $3) ON CONFLICT (digest) DO NOTHING",
        [input.digest, input.repository, input.scannedAt.toISOString()],
      );
      await c.query("SELECT 1 FROM monitor_images WHERE digest = $1 FOR UPDATE", [input.digest]);
      await c.query(
        "UPDATE monitor_images SET scanned_at = $1, sbom = COALESCE($2, sbom) WHERE digest = $3",
        [input.scannedAt.toISOString(), input.sbom ? packSbom(input.sbom) : null, input.digest],
      );
      const old = await c.query<{ vuln_id: string; package: string; first_seen: string }>(
        "SELECT vuln_id, package, first_seen FROM monitor_findings WHERE digest = $1",
        [input.digest],
      );
      const plan = planRecord(old.rows, input);
      await c.query("DELETE FROM monitor_findings WHERE digest = $1", [input.digest]);
      if (plan.rows.length)
        await c.query(
          `INSERT INTO monitor_findings (digest, vuln_id, package, version, fixed_version, severity, first_seen)
           SELECT $1, * FROM unnest($2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[])`,
          [
            input.digest,
            plan.rows.map((r) => r.id),
            plan.rows.map((r) => r.package),
            plan.rows.map((r) => r.version ?? null),
            plan.rows.map((r) => r.fixedVersion ?? null),
            plan.rows.map((r) => r.severity),
            plan.rows.map((r) => r.firstSeen),
          ],
        );
      return plan.fresh;
    });
  }

  async lookup(digest: string): Promise<ImageScanStatus> {
    const img = await this.pool.query<{ scanned_at: string | null }>(
      "SELECT scanned_at FROM monitor_images WHERE digest = $1",
      [digest],
    );
    const scannedAt = img.rows[0]?.scanned_at;
    if (!scannedAt)
      return { state: "not-scanned", reason: img.rows[0] ? "seen, not scanned yet" : "no stored scan" };
    const rows = await this.pool.query<FindingRow>(
      'SELECT vuln_id, package, version, fixed_version, severity, first_seen FROM monitor_findings WHERE digest = $1 ORDER BY vuln_id COLLATE "C", package COLLATE "C"',
      [digest],
    );
    return statusFrom(scannedAt, rows.rows);
  }

  async sbomDigests(): Promise<{ digest: string; repository: string }[]> {
    const r = await this.pool.query<{ digest: string; repository: string }>(
      'SELECT digest, repository FROM monitor_images WHERE sbom IS NOT NULL ORDER BY digest COLLATE "C"',
    );
    return r.rows;
  }

  async storedSbom(digest: string): Promise<CatalogResult | undefined> {
    const r = await this.pool.query<{ sbom: Buffer | null }>(
      "SELECT sbom FROM monitor_images WHERE digest = $1",
      [digest],
    );
    const data = r.rows[0]?.sbom;
    return data ? unpackSbom(data) : undefined;
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}
