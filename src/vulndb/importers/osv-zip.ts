/**
 * osv.dev's per-ecosystem archive (`https://osv-vulnerabilities.storage.googleapis.com/<Ecosystem>/all.zip`):
 * a ZIP of `<id>.json` records. A corrupt or truncated archive fails the whole import (nothing
 * written). Feed: "osv" (upserted) for `db import`; `db update` stores each ecosystem's zip as
 * its own feed `osv:<Ecosystem>` and replaces it whole.
 */
import { FeedFormatError } from "../errors.js";
import type { OsvRecord } from "../types.js";
import { ZipError, ZipReader } from "../zip.js";
import { parseOsvJson } from "./osv-directory.js";
import type { FeedBatch, ImportContext, ImportInput, VulnImporter } from "./types.js";

function* records(input: ImportInput, ctx: ImportContext): Generator<OsvRecord> {
  let zip: ZipReader;
  try {
    zip = ZipReader.open(input.path);
  } catch (err) {
    if (err instanceof ZipError)
      throw new FeedFormatError(input.name, err.message.replace(`${input.path}: `, ""));
    throw err;
  }
  try {
    for (const entry of zip.entries) {
      if (!entry.name.endsWith(".json")) continue;
      let data: Buffer;
      try {
        data = zip.read(entry);
      } catch (err) {
        if (err instanceof ZipError)
          throw new FeedFormatError(input.name, err.message.replace(`${input.path}: `, ""));
        throw err;
      }
      for (const r of parseOsvJson(data.toString("utf8"), `${input.name}!${entry.name}`, ctx))
        yield r as OsvRecord;
    }
  } finally {
    zip.close();
  }
}

export const osvZipImporter: VulnImporter = {
  id: "osv-zip",
  describes: "an osv.dev all.zip (a ZIP of OSV JSON records)",
  detect: (input) =>
    input.head.length >= 4 &&
    (input.head.readUInt32LE(0) === 0x04034b50 || input.head.readUInt32LE(0) === 0x06054b50),
  *read(input, ctx): Generator<FeedBatch> {
    yield { feed: "osv", kind: "osv", mode: "upsert", records: records(input, ctx) };
  },
};
