/**
 * The Debian security tracker's JSON (`https://security-tracker.debian.org/tracker/data/json`):
 * source package → CVE → {description?, releases: codename → {status, fixed_version?, urgency}}.
 * Converted per types.ts: one record per CVE, ecosystem `Debian:<major>` (bookworm → 12),
 * package = the source package, `introduced: "0"` plus `fixed` when fixed_version is set;
 * `fixed_version: "0"` (not affected) gives no entry; `database_specific` = {urgency, status}.
 * Releases without a number (sid) are left out. Malformed entries (the tracker has served a
 * package whose value is a list) are skipped with a warning; the rest is imported.
 */
import { readFileSync } from "node:fs";
import { DEBIAN_RELEASES } from "../ecosystem.js";
import { FeedFormatError } from "../errors.js";
import type { OsvAffected, OsvRecord } from "../types.js";
import { type FeedBatch, headText, type ImportContext, type VulnImporter } from "./types.js";

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function kindOf(v: unknown): string {
  return Array.isArray(v) ? "a list" : v === null ? "null" : typeof v;
}

export function convertDebianTracker(doc: unknown, file: string, ctx: ImportContext): OsvRecord[] {
  if (!isObject(doc))
    throw new FeedFormatError(
      file,
      `expected the tracker's JSON object (source package → CVE → releases), got ${kindOf(doc)}`,
    );
  const byId = new Map<string, OsvRecord>();
  for (const [pkg, cves] of Object.entries(doc)) {
    if (!isObject(cves)) {
      ctx.warn(`${file}: package ${pkg}: expected an object of CVE entries, got ${kindOf(cves)}; skipped`);
      continue;
    }
    for (const [cve, entry] of Object.entries(cves)) {
      if (!isObject(entry) || !isObject(entry.releases)) {
        ctx.warn(
          `${file}: ${pkg} ${cve}: expected "releases" to be an object of codename → status, got ${kindOf(isObject(entry) ? entry.releases : entry)}; skipped`,
        );
        continue;
      }
      const affected: OsvAffected[] = [];
      for (const [codename, rel] of Object.entries(entry.releases)) {
        const major = DEBIAN_RELEASES[codename];
        if (!major) continue;
        if (!isObject(rel)) {
          ctx.warn(`${file}: ${pkg} ${cve} ${codename}: expected an object, got ${kindOf(rel)}; skipped`);
          continue;
        }
        const fixed = typeof rel.fixed_version === "string" ? rel.fixed_version : undefined;
        const status = typeof rel.status === "string" ? rel.status : undefined;
        if (fixed === "0") continue; // not affected
        if (!fixed && status === "resolved") continue; // resolved with no version: not affected
        const dbs: Record<string, unknown> = {};
        if (typeof rel.urgency === "string") dbs.urgency = rel.urgency;
        if (status) dbs.status = status;
        affected.push({
          package: { ecosystem: `Debian:${major}`, name: pkg },
          ranges: [
            { type: "ECOSYSTEM", events: fixed ? [{ introduced: "0" }, { fixed }] : [{ introduced: "0" }] },
          ],
          database_specific: dbs,
        });
      }
      if (affected.length === 0) continue;
      let record = byId.get(cve);
      if (!record) {
        record = { id: cve, modified: ctx.now, affected: [] };
        if (typeof entry.description === "string") record.details = entry.description;
        byId.set(cve, record);
      }
      record.affected?.push(...affected);
    }
  }
  return [...byId.values()];
}

export const debianTrackerImporter: VulnImporter = {
  id: "debian-tracker",
  describes: "a Debian security tracker JSON file (/tracker/data/json)",
  detect: (input) =>
    !input.isDirectory && /^\{\s*"[^"]+"\s*:\s*\{\s*"(CVE|TEMP|DSA|DLA)-/.test(headText(input)),
  *read(input, ctx: ImportContext): Generator<FeedBatch> {
    let doc: unknown;
    try {
      doc = JSON.parse(readFileSync(input.path, "utf8"));
    } catch (err) {
      throw new FeedFormatError(input.name, `not valid JSON: ${(err as Error).message}`);
    }
    yield {
      feed: "debian-tracker",
      kind: "debian-tracker",
      mode: "replace",
      records: convertDebianTracker(doc, input.name, ctx),
    };
  },
};
