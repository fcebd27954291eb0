/**
 * `db update`: download every selected source with a conditional request (an unchanged source
 * is one 304: no download, no re-import), check what arrived is the expected format, then import
 * all changed sources in one transaction. Downloads all finish before anything is written, so a
 * failed or interrupted download leaves the database exactly as it was.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { VulnDb } from "./backend.js";
import { type DownloadOptions, downloadFeed } from "./download.js";
import { FeedFormatError } from "./errors.js";
import { type ImportSummary, importPrepared, type PreparedInput, prepareInput } from "./import.js";
import type { UpdateSource } from "./sources.js";
import type { Warn } from "./validate.js";

export interface UpdateOptions {
  download?: Omit<DownloadOptions, "etag" | "lastModified" | "onProgress">;
  /** Bytes received for a source (total when the server sent Content-Length). */
  onProgress?: (source: UpdateSource, received: number, total: number | undefined) => void;
  /** A source finished downloading (or was unchanged). */
  onSource?: (source: UpdateSource, outcome: "downloaded" | "not-modified") => void;
  warn?: Warn;
  now?: Date;
  /** Ignore stored ETag/Last-Modified and download everything. */
  force?: boolean;
}

export interface UpdateResult extends ImportSummary {
  unchanged: string[];
  downloaded: { id: string; bytes: number }[];
}

export async function updateDb(
  db: VulnDb,
  sources: readonly UpdateSource[],
  opts: UpdateOptions = {},
): Promise<UpdateResult> {
  const known = new Map((await db.sources()).map((s) => [s.id, s]));
  const tmp = mkdtempSync(join(tmpdir(), "portcullis-update-"));
  const now = opts.now ?? new Date();
  try {
    const prepared: PreparedInput[] = [];
    const unchanged: string[] = [];
    const downloaded: { id: string; bytes: number }[] = [];
    for (const [i, src] of sources.entries()) {
      const prev = opts.force ? undefined : known.get(src.id);
      const conditional = prev && prev.url === src.url;
      const r = await downloadFeed(src.url, tmp, `source-${i}`, {
        ...opts.download,
        ...(conditional && prev.etag ? { etag: prev.etag } : {}),
        ...(conditional && prev.lastModified ? { lastModified: prev.lastModified } : {}),
        onProgress: (received, total) => opts.onProgress?.(src, received, total),
      });
      opts.onSource?.(src, r.status);
      if (r.status === "not-modified") {
        unchanged.push(src.id);
        continue;
      }
      downloaded.push({ id: src.id, bytes: r.size });
      const p = prepareInput(r.path, src.url);
      if (p.importer.id !== src.importer)
        throw new FeedFormatError(
          src.url,
          `expected ${src.importer} data for source ${src.id}, got ${p.importer.describes}`,
        );
      p.feed = src.id;
      p.source = {
        url: src.url,
        ...(r.etag ? { etag: r.etag } : {}),
        ...(r.lastModified ? { lastModified: r.lastModified } : {}),
      };
      prepared.push(p);
    }
    const summary = await importPrepared(db, prepared, {
      now,
      ...(opts.warn ? { warn: opts.warn } : {}),
      touch: unchanged.flatMap((id) => {
        const s = known.get(id);
        return s ? [{ id, kind: s.kind, url: s.url, etag: s.etag, lastModified: s.lastModified }] : [];
      }),
    });
    return { ...summary, unchanged, downloaded };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
