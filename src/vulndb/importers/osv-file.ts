/**
 * A single OSV record file (or a JSON list of records), as served by osv.dev's
 * `/v1/vulns/<id>` or saved from an advisory. Stored in feed "osv", upserted.
 */
import { readFileSync } from "node:fs";
import type { OsvRecord } from "../types.js";
import { parseOsvJson } from "./osv-directory.js";
import { type FeedBatch, headText, type VulnImporter } from "./types.js";

export const osvFileImporter: VulnImporter = {
  id: "osv-file",
  describes: "one OSV JSON record (or a JSON list of records)",
  detect: (input) => {
    const head = headText(input);
    return (
      /^[[{]/.test(head) &&
      /"id"\s*:/.test(head) &&
      /"(modified|affected|schema_version|aliases)"\s*:/.test(head)
    );
  },
  *read(input, ctx): Generator<FeedBatch> {
    const list = parseOsvJson(readFileSync(input.path, "utf8"), input.name, ctx) as OsvRecord[];
    yield { feed: "osv", kind: "osv", mode: "upsert", records: list };
  },
};
