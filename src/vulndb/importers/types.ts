/**
 * The importer contract: each feed format is one file in this folder that says whether it can
 * read an input (by content, never by file name) and turns it into OSV records in one or more
 * feeds. Registered in ./index.ts. Importers know nothing of storage.
 */
import type { OsvRecord } from "../types.js";
import type { Warn } from "../validate.js";

export interface ImportInput {
  /** Path on disk (a URL has been downloaded to a temporary file by then). */
  path: string;
  /** The path or URL as the user gave it, for messages. */
  name: string;
  isDirectory: boolean;
  /** The first bytes of a file (empty for a directory). */
  head: Buffer;
}

export interface ImportContext {
  warn: Warn;
  /** The import time, ISO 8601: the `modified` of records converted from native feeds. */
  now: string;
}

export interface FeedBatch {
  /** Feed key the records are stored under (see backend.ts). */
  feed: string;
  /** "osv", "alpine-secdb", "debian-tracker": the `source` the matcher reports. */
  kind: string;
  /** replace: the feed's old records are removed first; upsert: newer records replace older ones. */
  mode: "replace" | "upsert";
  records: AsyncIterable<OsvRecord> | Iterable<OsvRecord>;
  /** Source metadata carried by the input itself (a `db export` file). */
  source?: { url?: string; updatedAt?: string; etag?: string; lastModified?: string };
}

export interface VulnImporter {
  id: string;
  /** One line for `db import --help` and error messages. */
  describes: string;
  detect(input: ImportInput): boolean;
  read(input: ImportInput, ctx: ImportContext): AsyncIterable<FeedBatch> | Iterable<FeedBatch>;
}

/** The head of a file as text, leading whitespace and a UTF-8 byte-order mark removed. */
export function headText(input: ImportInput): string {
  return input.head
    .toString("utf8")
    .replace(/^\uFEFF/, "")
    .trimStart();
}
