/**
 * The read/write contract both storage backends (SQLite, PostgreSQL) fill in, on top of the
 * read-only VulnStore the matcher uses. Importers never see a backend: src/vulndb/import.ts
 * feeds their records into `write()`, which runs as one transaction so a concurrent reader sees
 * the old data or the new, never a mix.
 */
import type { OsvRecord, SourceStatus, VulnStore } from "./types.js";

/** Schema version this code writes; a database with a higher one is refused. */
export const SCHEMA_VERSION = 1;

/** A source as stored: SourceStatus plus the kind of feed ("osv", "alpine-secdb", …). */
export interface FeedSource extends SourceStatus {
  kind: string;
}

export interface SourceUpdate {
  /** Feed key, e.g. "osv:npm", "osv", "alpine-secdb:v3.18/main", "debian-tracker". */
  id: string;
  kind: string;
  url?: string;
  etag?: string;
  lastModified?: string;
  updatedAt: string;
}

export interface WriteTx {
  /** Remove every record of a feed (before re-importing a whole feed). */
  clearFeed(feed: string): Promise<void>;
  /** Insert records into a feed; a record already there is replaced unless the stored one is newer. */
  putRecords(feed: string, kind: string, records: readonly OsvRecord[]): Promise<void>;
  setSource(source: SourceUpdate): Promise<void>;
}

export interface ExportedRecord {
  feed: string;
  kind: string;
  record: OsvRecord;
}

export interface VulnDb extends VulnStore {
  /** File path or postgres URL (password hidden). */
  readonly location: string;
  /** Run `fn` in one transaction: all of its writes become visible together, or none. */
  write<T>(fn: (tx: WriteTx) => Promise<T>): Promise<T>;
  sources(): Promise<FeedSource[]>;
  /** Every stored record, for `db export`. */
  allRecords(): AsyncIterable<ExportedRecord>;
}

/** The (ecosystem, normalised name) pairs a record is indexed under, without duplicates. */
export function indexKeys(
  record: OsvRecord,
  normalize: (eco: string, name: string) => string,
): [string, string][] {
  const seen = new Set<string>();
  const out: [string, string][] = [];
  for (const a of record.affected ?? []) {
    const eco = a.package?.ecosystem;
    const name = a.package?.name;
    if (typeof eco !== "string" || typeof name !== "string") continue;
    const key = normalize(eco, name);
    const k = `${eco}\0${key}`;
    if (seen.has(k)) continue;
    seen.add(k);
    out.push([eco, key]);
  }
  return out;
}

/** Normalised key → the names the caller gave that normalise to it. */
export function keysForNames(
  ecosystem: string,
  names: readonly string[],
  normalize: (eco: string, name: string) => string,
): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const n of names) {
    const k = normalize(ecosystem, n);
    const list = m.get(k);
    if (list) list.push(n);
    else m.set(k, [n]);
  }
  return m;
}
