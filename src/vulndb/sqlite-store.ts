/**
 * The embedded backend: one SQLite file (better-sqlite3). A writer switches it to WAL mode, so
 * readers (scan, check, webhook replicas on one host) keep reading the last committed data while
 * an import writes, and back to a rollback journal when it closes, so the file alone can be
 * read from a read-only mount; an import is one transaction. Indexed by (ecosystem, normalised package name). Schema
 * versioned in `schema_version` with forward migrations; a file from a newer Portcullis is
 * refused rather than misread.
 */
import { mkdirSync, statSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import {
  type ExportedRecord,
  type FeedSource,
  indexKeys,
  keysForNames,
  SCHEMA_VERSION,
  type SourceUpdate,
  type VulnDb,
  type WriteTx,
} from "./backend.js";
import { normalizePackageName } from "./ecosystem.js";
import { DbMissingError, VulnDbError } from "./errors.js";
import { type IndexPair, LookupCache } from "./lookup-cache.js";
import type { DbStatus, EcosystemCount, OsvRecord, StoredRecord } from "./types.js";

/** Migration n brings a database from schema n-1 to n. */
const MIGRATIONS: string[] = [
  "",
  `CREATE TABLE sources (id TEXT PRIMARY KEY, kind TEXT NOT NULL, url TEXT, updated_at TEXT,
     etag TEXT, last_modified TEXT);
   CREATE TABLE records (pk INTEGER PRIMARY KEY, feed TEXT NOT NULL, kind TEXT NOT NULL,
     id TEXT NOT NULL, modified TEXT NOT NULL, body TEXT NOT NULL, UNIQUE (feed, id));
   CREATE TABLE affected (ecosystem TEXT NOT NULL, name TEXT NOT NULL, record INTEGER NOT NULL,
     PRIMARY KEY (ecosystem, name, record)) WITHOUT ROWID;
   CREATE INDEX affected_record ON affected (record);
   CREATE TABLE ecosystem_counts (ecosystem TEXT PRIMARY KEY, records INTEGER NOT NULL);`,
];

export interface SqliteOpenOptions {
  /** Create the file (and its directory) when missing, and allow writes. */
  write?: boolean;
  /** How long to wait for another writer's lock, ms (default 5000). */
  busyTimeoutMs?: number;
}

function sqliteError(path: string, err: unknown): VulnDbError {
  const e = err as { code?: string; message?: string };
  const code = String(e.code ?? "");
  if (code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_LOCKED"))
    return new VulnDbError(
      "DB_LOCKED",
      `${path}: the database is locked by another process (an update running?); try again when it ends`,
    );
  if (code.startsWith("SQLITE_READONLY") || code === "EACCES" || code === "EROFS" || code === "EPERM")
    return new VulnDbError(
      "DB_READ_ONLY",
      `${path}: the database is read-only here (file or directory not writable); choose a writable location with --db`,
    );
  if (code === "SQLITE_NOTADB" || code.startsWith("SQLITE_CORRUPT"))
    return new VulnDbError(
      "DB_CORRUPT",
      `${path}: not a Portcullis vulnerability database (SQLite says: ${e.message})`,
    );
  if (code.startsWith("SQLITE_CANTOPEN"))
    return new VulnDbError(
      "DB_READ_ONLY",
      `${path}: cannot open the database (${e.message}); check the path and its permissions`,
    );
  if (err instanceof VulnDbError) return err;
  return new VulnDbError("DB_CORRUPT", `${path}: ${e.message ?? String(err)}`);
}

export class SqliteVulnDb implements VulnDb {
  private constructor(
    private readonly db: Database.Database,
    readonly location: string,
    private readonly writable: boolean,
  ) {}

  static open(path: string, opts: SqliteOpenOptions = {}): SqliteVulnDb {
    let exists = true;
    try {
      if (!statSync(path).isFile()) throw new VulnDbError("DB_CORRUPT", `${path}: not a file`);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "ENOENT") throw sqliteError(path, err);
      exists = false;
    }
    if (!exists && !opts.write) throw new DbMissingError(path);
    let db: Database.Database;
    try {
      if (!exists) mkdirSync(dirname(path), { recursive: true });
      db = new Database(path, { readonly: !opts.write, fileMustExist: !opts.write });
      db.pragma(`busy_timeout = ${opts.busyTimeoutMs ?? 5000}`);
      // Look-ups read record bodies at random: a larger page cache and memory-mapped reads
      // keep a warm look-up of 1,000 packages fast. Both only grow as pages are used.
      db.pragma("cache_size = -65536");
      db.pragma("mmap_size = 268435456");
    } catch (err) {
      throw sqliteError(path, err);
    }
    const store = new SqliteVulnDb(db, path, Boolean(opts.write));
    try {
      store.prepareSchema(exists);
    } catch (err) {
      db.close();
      throw sqliteError(path, err);
    }
    return store;
  }

  private schemaVersion(): number {
    const t = this.db
      .prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'schema_version'")
      .get();
    if (!t) return 0;
    const row = this.db.prepare("SELECT version FROM schema_version").get() as
      | { version: number }
      | undefined;
    return row?.version ?? 0;
  }

  private prepareSchema(existed: boolean): void {
    const v = this.schemaVersion();
    if (v > SCHEMA_VERSION)
      throw new VulnDbError(
        "DB_NEWER_SCHEMA",
        `${this.location}: database schema ${v} is newer than this Portcullis understands (${SCHEMA_VERSION}); upgrade Portcullis, or build a new database in another file (--db NEW.db with 'portcullis db update' or 'db import')`,
      );
    if (v === SCHEMA_VERSION) {
      if (this.writable) this.db.pragma("journal_mode = WAL");
      return;
    }
    if (existed && v === 0) {
      const tables = this.db.prepare("SELECT count(*) AS n FROM sqlite_master").get() as { n: number };
      if (tables.n > 0)
        throw new VulnDbError(
          "DB_CORRUPT",
          `${this.location}: an SQLite file, but not a Portcullis vulnerability database`,
        );
    }
    if (!this.writable)
      throw new VulnDbError(
        "DB_NEWER_SCHEMA",
        `${this.location}: database schema ${v} is older than ${SCHEMA_VERSION}; run 'portcullis db update' (or db import) to migrate it`,
      );
    this.db.pragma("journal_mode = WAL");
    const migrate = this.db.transaction(() => {
      this.db.exec("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
      for (let n = v + 1; n <= SCHEMA_VERSION; n++) this.db.exec(MIGRATIONS[n] ?? "");
      this.db.exec("DELETE FROM schema_version");
      this.db.prepare("INSERT INTO schema_version (version) VALUES (?)").run(SCHEMA_VERSION);
    });
    migrate.immediate();
  }

  /**
   * Look-ups read one snapshot: the change stamp (`data_version`, which moves when another
   * connection commits), the index pairs of the names not answered since, then the bodies of
   * the records not parsed since. Both queries take their lists as one JSON parameter, so each
   * is prepared once whatever the number of names.
   */
  private readonly cache = new LookupCache();
  private reads?: {
    stamp: Database.Statement;
    pairs: Database.Statement;
    bodies: Database.Statement;
    fill: (ecosystem: string, keys: string[]) => void;
  };

  private readStatements(): NonNullable<SqliteVulnDb["reads"]> {
    if (this.reads) return this.reads;
    const stamp = this.db.prepare("PRAGMA data_version").pluck();
    const pairs = this.db
      .prepare(
        "SELECT name, record FROM affected WHERE ecosystem = ? AND name IN (SELECT value FROM json_each(?))",
      )
      .raw();
    const bodies = this.db
      .prepare(
        "SELECT pk, kind, id, modified, body FROM records WHERE pk IN (SELECT value FROM json_each(?))",
      )
      .raw();
    const fill = this.db.transaction((ecosystem: string, keys: string[]) => {
      this.cache.validate(stamp.get());
      const missing = keys.filter((k) => !this.cache.hasAnswer(ecosystem, k));
      if (missing.length === 0) return;
      const found = pairs.all(ecosystem, JSON.stringify(missing)) as IndexPair[];
      const unknown = [...new Set(found.map((p) => p[1]))].filter((pk) => !this.cache.record(pk));
      if (unknown.length > 0)
        for (const row of bodies.all(JSON.stringify(unknown)) as [number, string, string, string, string][])
          this.cache.putRecord(...row);
      this.cache.putAnswers(ecosystem, missing, found);
    });
    this.reads = { stamp, pairs, bodies, fill };
    return this.reads;
  }

  async lookup(ecosystem: string, names: readonly string[]): Promise<Map<string, StoredRecord[]>> {
    const byKey = keysForNames(ecosystem, names, normalizePackageName);
    try {
      this.readStatements().fill(ecosystem, [...byKey.keys()]);
    } catch (err) {
      throw sqliteError(this.location, err);
    }
    return this.cache.answersFor(ecosystem, byKey);
  }

  async ecosystems(): Promise<EcosystemCount[]> {
    return this.db
      .prepare("SELECT ecosystem, records FROM ecosystem_counts ORDER BY ecosystem")
      .all() as EcosystemCount[];
  }

  async sources(): Promise<FeedSource[]> {
    const rows = this.db
      .prepare(
        `SELECT s.id, s.kind, s.url, s.updated_at, s.etag, s.last_modified,
           (SELECT count(*) FROM records r WHERE r.feed = s.id) AS records FROM sources s ORDER BY s.id`,
      )
      .all() as {
      id: string;
      kind: string;
      url: string | null;
      updated_at: string | null;
      etag: string | null;
      last_modified: string | null;
      records: number;
    }[];
    return rows.map((r) => ({
      id: r.id,
      kind: r.kind,
      records: r.records,
      ...(r.url ? { url: r.url } : {}),
      ...(r.updated_at ? { updatedAt: r.updated_at } : {}),
      ...(r.etag ? { etag: r.etag } : {}),
      ...(r.last_modified ? { lastModified: r.last_modified } : {}),
    }));
  }

  async status(): Promise<DbStatus> {
    const sources = await this.sources();
    const updated = sources.map((s) => s.updatedAt).filter((d): d is string => Boolean(d));
    updated.sort();
    return {
      schemaVersion: this.schemaVersion(),
      location: this.location,
      ...(updated.length ? { updatedAt: updated[updated.length - 1] } : {}),
      sources: sources.map(({ kind: _kind, ...s }) => s),
      ecosystems: await this.ecosystems(),
    };
  }

  async *allRecords(): AsyncIterable<ExportedRecord> {
    for (const row of this.db.prepare("SELECT feed, kind, body FROM records ORDER BY pk").iterate()) {
      const r = row as { feed: string; kind: string; body: string };
      yield { feed: r.feed, kind: r.kind, record: JSON.parse(r.body) as OsvRecord };
    }
  }

  /** The records of one feed (for importing a `db export` file). */
  *feedRecords(feed: string): Generator<OsvRecord> {
    for (const row of this.db.prepare("SELECT body FROM records WHERE feed = ? ORDER BY pk").iterate(feed))
      yield JSON.parse((row as { body: string }).body) as OsvRecord;
  }

  async write<T>(fn: (tx: WriteTx) => Promise<T>): Promise<T> {
    if (!this.writable) throw new VulnDbError("DB_READ_ONLY", `${this.location}: opened read-only`);
    const db = this.db;
    try {
      db.exec("BEGIN IMMEDIATE");
    } catch (err) {
      throw sqliteError(this.location, err);
    }
    const find = db.prepare("SELECT pk, modified FROM records WHERE feed = ? AND id = ?");
    const insert = db.prepare("INSERT INTO records (feed, kind, id, modified, body) VALUES (?, ?, ?, ?, ?)");
    const update = db.prepare("UPDATE records SET kind = ?, modified = ?, body = ? WHERE pk = ?");
    const dropIndex = db.prepare("DELETE FROM affected WHERE record = ?");
    const index = db.prepare("INSERT OR IGNORE INTO affected (ecosystem, name, record) VALUES (?, ?, ?)");
    const tx: WriteTx = {
      clearFeed: async (feed) => {
        db.prepare("DELETE FROM affected WHERE record IN (SELECT pk FROM records WHERE feed = ?)").run(feed);
        db.prepare("DELETE FROM records WHERE feed = ?").run(feed);
      },
      putRecords: async (feed, kind, records) => {
        for (const record of records) {
          const body = JSON.stringify(record);
          const modified = record.modified ?? "";
          const prev = find.get(feed, record.id) as { pk: number; modified: string } | undefined;
          let pk: number;
          if (prev) {
            if (prev.modified > modified) continue;
            update.run(kind, modified, body, prev.pk);
            dropIndex.run(prev.pk);
            pk = prev.pk;
          } else {
            pk = Number(insert.run(feed, kind, record.id, modified, body).lastInsertRowid);
          }
          for (const [eco, name] of indexKeys(record, normalizePackageName)) index.run(eco, name, pk);
        }
      },
      setSource: async (s: SourceUpdate) => {
        db.prepare(
          `INSERT INTO sources (id, kind, url, updated_at, etag, last_modified) VALUES (?, ?, ?, ?, ?, ?)
           ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, url = excluded.url, updated_at = excluded.updated_at,
             etag = excluded.etag, last_modified = excluded.last_modified`,
        ).run(s.id, s.kind, s.url ?? null, s.updatedAt, s.etag ?? null, s.lastModified ?? null);
      },
    };
    try {
      const result = await fn(tx);
      db.exec("DELETE FROM ecosystem_counts");
      db.exec(
        "INSERT INTO ecosystem_counts (ecosystem, records) SELECT ecosystem, count(DISTINCT record) FROM affected GROUP BY ecosystem",
      );
      db.exec("COMMIT");
      this.cache.clear();
      return result;
    } catch (err) {
      if (db.inTransaction) db.exec("ROLLBACK");
      this.cache.clear();
      if ((err as { code?: unknown }).code && String((err as { code: unknown }).code).startsWith("SQLITE"))
        throw sqliteError(this.location, err);
      throw err;
    }
  }

  /** Fold the WAL into the file and stop using one (for a file to copy elsewhere). */
  toSingleFile(): void {
    this.db.pragma("wal_checkpoint(TRUNCATE)");
    this.db.pragma("journal_mode = DELETE");
    this.db.exec("VACUUM");
  }

  async close(): Promise<void> {
    if (!this.db.open) return;
    // Leave the file in rollback-journal mode when no one else has it open, so readers on a
    // read-only mount (no -shm file to create) can open it. With readers attached it stays WAL.
    if (this.writable)
      try {
        this.db.pragma("busy_timeout = 0");
        this.db.pragma("journal_mode = DELETE");
      } catch {
        // another connection is open: keep WAL
      }
    this.db.close();
  }
}
