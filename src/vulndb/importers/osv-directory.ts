/**
 * OSV records as a directory tree of JSON files (`records/<ecosystem>/<id>.json`, a clone of
 * github/advisory-database, golang/vulndb `data/osv`, an unpacked osv.dev `all.zip`), read
 * recursively. Records are stored in feed "osv" and upserted: a newer `modified` wins.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { FeedFormatError } from "../errors.js";
import type { OsvRecord } from "../types.js";
import type { FeedBatch, ImportContext, ImportInput, VulnImporter } from "./types.js";

function* jsonFiles(dir: string): Generator<string> {
  const entries = readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1));
  for (const e of entries) {
    if (e.name.startsWith(".")) continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* jsonFiles(p);
    else if (e.isFile() && e.name.endsWith(".json")) yield p;
  }
}

/** Parse one record file's text; a JSON list of records is accepted too. */
export function parseOsvJson(text: string, file: string, ctx: ImportContext): unknown[] {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    if (/^\s*</.test(text)) throw new FeedFormatError(file, "is HTML, not an OSV JSON record");
    ctx.warn(`${file}: not valid JSON (${(err as Error).message}); skipped`);
    return [];
  }
  return Array.isArray(value) ? value : [value];
}

function* records(input: ImportInput, ctx: ImportContext): Generator<OsvRecord> {
  let n = 0;
  for (const file of jsonFiles(input.path)) {
    const name = join(input.name, relative(input.path, file));
    for (const r of parseOsvJson(readFileSync(file, "utf8"), name, ctx)) {
      n++;
      yield r as OsvRecord;
    }
  }
  if (n === 0) throw new FeedFormatError(input.name, "a directory with no OSV JSON records (*.json) in it");
}

export const osvDirectoryImporter: VulnImporter = {
  id: "osv-directory",
  describes: "a directory of OSV JSON records (recursive)",
  detect: (input) => input.isDirectory,
  *read(input, ctx): Generator<FeedBatch> {
    yield { feed: "osv", kind: "osv", mode: "upsert", records: records(input, ctx) };
  },
};
