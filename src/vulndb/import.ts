/**
 * `db import`: detect each input's format (importers/index.ts), convert, check (validate.ts) and
 * store every record in ONE transaction, so the database holds all the inputs or none of them
 * and a reader never sees half an import. URLs are downloaded first, before anything is written.
 */
import { closeSync, mkdtempSync, openSync, readSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { VulnDb } from "./backend.js";
import { type DownloadOptions, downloadFeed } from "./download.js";
import { FeedFormatError, VulnDbError } from "./errors.js";
import { detectImporter, type ImportInput, type VulnImporter } from "./importers/index.js";
import type { OsvRecord } from "./types.js";
import { checkRecord, type Warn } from "./validate.js";

export interface ImportOptions {
  /** Called with each warning (a skipped range or record); they are also returned. */
  warn?: Warn;
  /** Import time (default now). */
  now?: Date;
  /** For URLs. */
  download?: DownloadOptions;
  /** Sources confirmed unchanged (a 304): their update time is set to now, nothing re-imported. */
  touch?: {
    id: string;
    kind: string;
    url?: string | undefined;
    etag?: string | undefined;
    lastModified?: string | undefined;
  }[];
}

export interface ImportedFeed {
  input: string;
  importer: string;
  feed: string;
  kind: string;
  records: number;
}

export interface ImportSummary {
  feeds: ImportedFeed[];
  records: number;
  warnings: string[];
}

/** An input ready to import, with what `db update` knows about it. */
export interface PreparedInput {
  input: ImportInput;
  importer: VulnImporter;
  /** Store under this feed, replacing it whole (db update's `osv:<Ecosystem>`). */
  feed?: string;
  source?: { url?: string; etag?: string; lastModified?: string };
}

const HEAD_BYTES = 4096;

/** Stat a path and read its head; detect its importer. */
export function prepareInput(path: string, name = path): PreparedInput {
  let isDirectory: boolean;
  try {
    isDirectory = statSync(path).isDirectory();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new FeedFormatError(
      name,
      code === "ENOENT" ? "no such file or directory" : `cannot read (${code})`,
    );
  }
  let head = Buffer.alloc(0);
  if (!isDirectory) {
    const fd = openSync(path, "r");
    try {
      const buf = Buffer.alloc(HEAD_BYTES);
      head = buf.subarray(0, readSync(fd, buf, 0, HEAD_BYTES, 0));
    } finally {
      closeSync(fd);
    }
  }
  const input: ImportInput = { path, name, isDirectory, head };
  return { input, importer: detectImporter(input) };
}

export function isUrl(s: string): boolean {
  return /^https?:\/\//i.test(s);
}

/**
 * An input that is itself a database (a `db export` file) which cannot be read as one (another
 * SQLite file, a newer schema) is bad input, exit 2, not a broken target database: the store
 * names the input's path in those errors.
 */
function asInputError(err: unknown, input: ImportInput): unknown {
  if (
    err instanceof VulnDbError &&
    (err.code === "DB_CORRUPT" || err.code === "DB_NEWER_SCHEMA") &&
    err.message.startsWith(`${input.path}: `)
  )
    return new FeedFormatError(input.name, err.message.slice(input.path.length + 2));
  return err;
}

/** Store prepared inputs in one transaction. */
export async function importPrepared(
  db: VulnDb,
  inputs: PreparedInput[],
  opts: ImportOptions = {},
): Promise<ImportSummary> {
  const warnings: string[] = [];
  const warn: Warn = (m) => {
    warnings.push(m);
    opts.warn?.(m);
  };
  const now = (opts.now ?? new Date()).toISOString();
  const feeds: ImportedFeed[] = [];
  await db.write(async (tx) => {
    const cleared = new Set<string>();
    for (const p of inputs) {
      try {
        await importOne(p);
      } catch (err) {
        throw asInputError(err, p.input);
      }
    }
    async function importOne(p: PreparedInput): Promise<void> {
      for await (const batch of p.importer.read(p.input, { warn, now })) {
        const feed = p.feed ?? batch.feed;
        const replace = p.feed !== undefined || batch.mode === "replace";
        if (replace && !cleared.has(feed)) {
          await tx.clearFeed(feed);
          cleared.add(feed);
        }
        let n = 0;
        let chunk: OsvRecord[] = [];
        for await (const raw of batch.records) {
          const record = checkRecord(raw, p.input.name, warn);
          if (!record) continue;
          chunk.push(record);
          n++;
          if (chunk.length >= 1000) {
            await tx.putRecords(feed, batch.kind, chunk);
            chunk = [];
          }
        }
        if (chunk.length) await tx.putRecords(feed, batch.kind, chunk);
        const src = { ...batch.source, ...p.source };
        await tx.setSource({
          id: feed,
          kind: batch.kind,
          updatedAt: batch.source?.updatedAt && !p.source ? batch.source.updatedAt : now,
          url: src.url ?? (isUrl(p.input.name) ? p.input.name : undefined),
          ...(src.etag ? { etag: src.etag } : {}),
          ...(src.lastModified ? { lastModified: src.lastModified } : {}),
        });
        feeds.push({ input: p.input.name, importer: p.importer.id, feed, kind: batch.kind, records: n });
      }
    }
    for (const t of opts.touch ?? [])
      await tx.setSource({
        id: t.id,
        kind: t.kind,
        updatedAt: now,
        ...(t.url ? { url: t.url } : {}),
        ...(t.etag ? { etag: t.etag } : {}),
        ...(t.lastModified ? { lastModified: t.lastModified } : {}),
      });
  });
  return { feeds, records: feeds.reduce((s, f) => s + f.records, 0), warnings };
}

/**
 * Import files, directories and URLs (each detected by content) into `db`, all in one
 * transaction. URLs are downloaded to a temporary directory first.
 */
export async function importFeeds(
  db: VulnDb,
  paths: readonly string[],
  opts: ImportOptions = {},
): Promise<ImportSummary> {
  if (paths.length === 0)
    throw new VulnDbError("BAD_FEED", "nothing to import: give files, directories or URLs", 2);
  const tmp = mkdtempSync(join(tmpdir(), "portcullis-import-"));
  try {
    const prepared: PreparedInput[] = [];
    for (const [i, p] of paths.entries()) {
      if (isUrl(p)) {
        const r = await downloadFeed(p, tmp, `input-${i}`, opts.download);
        if (r.status !== "downloaded") throw new VulnDbError("DOWNLOAD_FAILED", `${p}: unexpected 304`);
        const prep = prepareInput(r.path, p);
        prep.source = {
          url: p,
          ...(r.etag ? { etag: r.etag } : {}),
          ...(r.lastModified ? { lastModified: r.lastModified } : {}),
        };
        prepared.push(prep);
      } else prepared.push(prepareInput(p));
    }
    return await importPrepared(db, prepared, opts);
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
