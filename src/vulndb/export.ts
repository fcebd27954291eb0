/**
 * `db export FILE`: every record and source of the database (SQLite or PostgreSQL) written to
 * one self-contained SQLite file (no WAL beside it), to carry into an air-gapped network and
 * load there with `db import FILE`. Written to a temporary name and renamed into place.
 */
import { accessSync, constants, realpathSync, renameSync, rmSync, statSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import type { VulnDb } from "./backend.js";
import { OutputFileError } from "./errors.js";
import { SqliteVulnDb } from "./sqlite-store.js";
import type { OsvRecord } from "./types.js";

export interface ExportSummary {
  file: string;
  records: number;
  sources: number;
}

/** The real path of `p`, or its absolute path when it does not exist yet. */
function realOrResolved(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return resolve(p);
  }
}

/**
 * Refuse an output the export cannot or must not write, before any work: a directory, the
 * database being exported itself, a folder that does not exist or is not writable (exit 2).
 */
function checkOutput(db: VulnDb, file: string): void {
  const st = statSync(file, { throwIfNoEntry: false });
  if (st?.isDirectory())
    throw new OutputFileError(file, "is a directory; name the file to write (e.g. vuln-db.sqlite)");
  if (!/^postgres(ql)?:\/\//i.test(db.location) && realOrResolved(file) === realOrResolved(db.location))
    throw new OutputFileError(file, "is the database being exported; name another file");
  const dir = dirname(resolve(file));
  const d = statSync(dir, { throwIfNoEntry: false });
  if (!d?.isDirectory()) throw new OutputFileError(file, `cannot write it: folder ${dir} does not exist`);
  try {
    accessSync(dir, constants.W_OK);
  } catch {
    throw new OutputFileError(file, `cannot write it: folder ${dir} is not writable`);
  }
}

export async function exportDb(db: VulnDb, file: string): Promise<ExportSummary> {
  checkOutput(db, file);
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
