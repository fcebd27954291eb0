/**
 * The baseline the match bench compares against, measured in the same run on the same database:
 * the look-up as schema 1 first shipped it, kept here verbatim in behaviour — one join of the
 * `affected` index with the record bodies per look-up (SQLite: an `IN (…)` list of up to 500
 * names per prepared statement; PostgreSQL: `= ANY($2)`), every body parsed on every look-up,
 * nothing remembered between look-ups. Bench-only; the stores in src/vulndb replace it.
 */
import Database from "better-sqlite3";
import pg from "pg";
import { keysForNames } from "../src/vulndb/backend.js";
import { normalizePackageName } from "../src/vulndb/ecosystem.js";
import type { DbStatus, EcosystemCount, OsvRecord, StoredRecord, VulnStore } from "../src/vulndb/types.js";

interface Row {
  key: string;
  kind: string;
  id: string;
  modified: string;
  body: string;
}

function group(rows: Iterable<Row>, givenByKey: Map<string, string[]>): Map<string, StoredRecord[]> {
  const best = new Map<string, Map<string, Row>>();
  for (const row of rows) {
    let perKey = best.get(row.key);
    if (!perKey) best.set(row.key, (perKey = new Map()));
    const rid = `${row.kind}\0${row.id}`;
    const prev = perKey.get(rid);
    if (!prev || prev.modified < row.modified) perKey.set(rid, row);
  }
  const out = new Map<string, StoredRecord[]>();
  for (const [key, given] of givenByKey) {
    const list: StoredRecord[] = [];
    for (const row of best.get(key)?.values() ?? [])
      list.push({ source: row.kind, record: JSON.parse(row.body) as OsvRecord });
    list.sort((a, b) => (a.record.id < b.record.id ? -1 : a.record.id > b.record.id ? 1 : 0));
    for (const g of given) out.set(g, list);
  }
  return out;
}

/** Delegates everything but `lookup` to the real store. */
abstract class Baseline implements VulnStore {
  constructor(protected readonly real: VulnStore) {}
  abstract lookup(ecosystem: string, names: readonly string[]): Promise<Map<string, StoredRecord[]>>;
  ecosystems(): Promise<EcosystemCount[]> {
    return this.real.ecosystems();
  }
  status(): Promise<DbStatus> {
    return this.real.status();
  }
  abstract close(): Promise<void>;
}

export class SqliteBaseline extends Baseline {
  private readonly db: Database.Database;
  constructor(real: VulnStore, path: string) {
    super(real);
    this.db = new Database(path, { readonly: true, fileMustExist: true });
    this.db.pragma("cache_size = -65536");
    this.db.pragma("mmap_size = 268435456");
  }
  async lookup(ecosystem: string, names: readonly string[]): Promise<Map<string, StoredRecord[]>> {
    const byKey = keysForNames(ecosystem, names, normalizePackageName);
    const keys = [...byKey.keys()];
    const rows: Row[] = [];
    for (let i = 0; i < keys.length; i += 500) {
      const part = keys.slice(i, i + 500);
      const stmt = this.db.prepare(
        `SELECT a.name AS key, r.kind, r.id, r.modified, r.body FROM affected a JOIN records r ON r.pk = a.record
         WHERE a.ecosystem = ? AND a.name IN (${part.map(() => "?").join(",")})`,
      );
      for (const row of stmt.all(ecosystem, ...part)) rows.push(row as Row);
    }
    return group(rows, byKey);
  }
  async close(): Promise<void> {
    this.db.close();
  }
}

export class PostgresBaseline extends Baseline {
  private readonly pool: pg.Pool;
  constructor(real: VulnStore, url: string) {
    super(real);
    this.pool = new pg.Pool({ connectionString: url, max: 4 });
  }
  async lookup(ecosystem: string, names: readonly string[]): Promise<Map<string, StoredRecord[]>> {
    const byKey = keysForNames(ecosystem, names, normalizePackageName);
    const res = await this.pool.query<Row>(
      `SELECT a.name AS key, r.kind, r.id, r.modified, r.body FROM vuln_affected a
       JOIN vuln_records r ON r.pk = a.record WHERE a.ecosystem = $1 AND a.name = ANY($2::text[])`,
      [ecosystem, [...byKey.keys()]],
    );
    return group(res.rows, byKey);
  }
  async close(): Promise<void> {
    await this.pool.end();
  }
}
