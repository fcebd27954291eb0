/**
 * A file written by `portcullis db export` (an SQLite database of this schema): every feed in it
 * replaces the feed of the same name, with its source metadata (URL, update time, ETag), so an
 * air-gapped copy reports the same freshness as the original.
 */
import { SqliteVulnDb } from "../sqlite-store.js";
import type { FeedBatch, VulnImporter } from "./types.js";

const SQLITE_MAGIC = "SQLite format 3\u0000";

export const portcullisExportImporter: VulnImporter = {
  id: "portcullis-export",
  describes: "a database file written by 'portcullis db export'",
  detect: (input) => !input.isDirectory && input.head.subarray(0, 16).toString("latin1") === SQLITE_MAGIC,
  async *read(input): AsyncGenerator<FeedBatch> {
    const db = SqliteVulnDb.open(input.path);
    try {
      for (const s of await db.sources()) {
        yield {
          feed: s.id,
          kind: s.kind,
          mode: "replace",
          records: db.feedRecords(s.id),
          source: {
            ...(s.url ? { url: s.url } : {}),
            ...(s.updatedAt ? { updatedAt: s.updatedAt } : {}),
            ...(s.etag ? { etag: s.etag } : {}),
            ...(s.lastModified ? { lastModified: s.lastModified } : {}),
          },
        };
      }
    } finally {
      await db.close();
    }
  },
};
