/**
 * What both stores keep between look-ups: parsed records by primary key and (SQLite) each
 * (ecosystem, name)'s answer, so a warm look-up (a webhook or `check` matching image after image,
 * a scan of a second image in one process) costs an index read instead of a JSON parse per
 * record. The store says when the data may have changed (SQLite's `data_version`, a PostgreSQL
 * row's `xmin`) and what is stale is dropped then; everything is dropped when it grows past its
 * bounds. Returned records and lists are shared between look-ups: callers treat them as
 * read-only (the matcher does). Not for the SQL (the stores) or for matching (src/scan).
 */
import type { OsvRecord, StoredRecord } from "./types.js";

export interface CachedRecord {
  kind: string;
  id: string;
  modified: string;
  /** Row version (PostgreSQL xmin) the record was read at, when the store tracks one. */
  rev?: string;
  stored: StoredRecord;
}

/** A (normalised name, record primary key) pair from the `affected` index. */
export type IndexPair = readonly [key: string, pk: number];

const NONE = Object.freeze([]) as unknown as StoredRecord[];

export class LookupCache {
  private readonly records = new Map<number, CachedRecord>();
  private readonly answers = new Map<string, StoredRecord[]>();
  private stamp: unknown;

  constructor(
    private readonly maxRecords = 50_000,
    private readonly maxAnswers = 200_000,
  ) {}

  /** Forget everything when the store's change stamp moved (or the cache outgrew its bounds). */
  validate(stamp: unknown): void {
    if (stamp !== this.stamp || this.records.size > this.maxRecords || this.answers.size > this.maxAnswers)
      this.clear();
    this.stamp = stamp;
  }

  clear(): void {
    this.records.clear();
    this.answers.clear();
    this.stamp = undefined;
  }

  record(pk: number): CachedRecord | undefined {
    return this.records.get(pk);
  }

  putRecord(pk: number, kind: string, id: string, modified: string, body: string, rev?: string): void {
    const record = JSON.parse(body) as OsvRecord;
    this.records.set(pk, {
      kind,
      id,
      modified,
      ...(rev !== undefined ? { rev } : {}),
      stored: { source: kind, record },
    });
  }

  hasAnswer(ecosystem: string, key: string): boolean {
    return this.answers.has(`${ecosystem}\0${key}`);
  }

  /** Remember the answers for `keys` (keys without a pair have no records). */
  putAnswers(ecosystem: string, keys: readonly string[], pairs: readonly IndexPair[]): void {
    const grouped = this.group(pairs);
    for (const k of keys) this.answers.set(`${ecosystem}\0${k}`, grouped.get(k) ?? NONE);
  }

  /** The answer per name as the caller gave it, from remembered answers. */
  answersFor(ecosystem: string, givenByKey: Map<string, string[]>): Map<string, StoredRecord[]> {
    const out = new Map<string, StoredRecord[]>();
    for (const [key, given] of givenByKey) {
      const list = this.answers.get(`${ecosystem}\0${key}`) ?? NONE;
      for (const g of given) out.set(g, list);
    }
    return out;
  }

  /**
   * Records per key, sorted by id; one per (kind, id): when two feeds hold the same record (a
   * GHSA advisory in the npm and the Maven zip), the newest wins. Every pk must be cached.
   */
  group(pairs: readonly IndexPair[]): Map<string, StoredRecord[]> {
    const best = new Map<string, Map<string, CachedRecord>>();
    for (const [key, pk] of pairs) {
      const c = this.records.get(pk);
      if (!c) continue;
      let perKey = best.get(key);
      if (!perKey) best.set(key, (perKey = new Map()));
      const rid = `${c.kind}\0${c.id}`;
      const prev = perKey.get(rid);
      if (!prev || prev.modified < c.modified) perKey.set(rid, c);
    }
    const out = new Map<string, StoredRecord[]>();
    for (const [key, perKey] of best) {
      const list = [...perKey.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
      out.set(
        key,
        list.map((c) => c.stored),
      );
    }
    return out;
  }
}

/** Expand answers per normalised key to the names the caller gave. */
export function perGivenName(
  grouped: Map<string, StoredRecord[]>,
  givenByKey: Map<string, string[]>,
): Map<string, StoredRecord[]> {
  const out = new Map<string, StoredRecord[]>();
  for (const [key, given] of givenByKey) {
    const list = grouped.get(key) ?? NONE;
    for (const g of given) out.set(g, list);
  }
  return out;
}
