/**
 * `db export FILE`: every record and source of the database (SQLite or PostgreSQL) written to
 * one self-contained SQLite file (no WAL beside it), to carry into an air-gapped network and
 * load there with `db import FILE`. Written to a temporary name and renamed into place.
 */
import { renameSync, rmSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import type { VulnDb } from "./backend.js";
import { SqliteVulnDb } from "./sqlite-store.js";
import type { OsvRecord } from "./types.js";

export interface ExportSummary {
  file: string;
  records: number;
  sources: number;
}

export async function exportDb(db: VulnDb, file: string): Promise<ExportSummary> {
  const tmp = join(dirname(file), `.${basename(file)}.${process.pid}.tmp`);
  rmSync(tmp, { force: true });
  const out = SqliteVulnDb.open(tmp, { write: true });
  let records = 0;
  const sources = await db.sources();
  try {
    await out.write(async (tx) => {
      const pending = new Map<string, { kind: string; list: OsvRecord[] }>();
      for await (const r of db.allRecords()) {
        let p = pending.get(r.feed);
        if (!p) pending.set(r.feed, (p = { kind: r.kind, list: [] }));
        p.list.push(r.record);
        records++;
        if (p.list.length >= 1000) {
          await tx.putRecords(r.feed, p.kind, p.list);
          p.list = [];
        }
      }
      for (const [feed, p] of pending) if (p.list.length) await tx.putRecords(feed, p.kind, p.list);
      for (const s of sources)
        await tx.setSource({
          id: s.id,
          kind: s.kind,
          updatedAt: s.updatedAt ?? new Date().toISOString(),
          ...(s.url ? { url: s.url } : {}),
          ...(s.etag ? { etag: s.etag } : {}),
          ...(s.lastModified ? { lastModified: s.lastModified } : {}),
        });
    });
    out.toSingleFile();
    await out.close();
    renameSync(tmp, file);
  } catch (err) {
    await out.close();
    rmSync(tmp, { force: true });
    rmSync(`${tmp}-wal`, { force: true });
    rmSync(`${tmp}-shm`, { force: true });
    throw err;
  }
  return { file, records, sources: sources.length };
}
