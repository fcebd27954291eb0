/**
 * Alpine's security database (`https://secdb.alpinelinux.org/v3.18/main.json`, the same schema in
 * YAML in the old alpine-secdb repository, and aquasecurity/vuln-list's per-package split):
 * `{distroversion, reponame, packages: [{pkg: {name, secfixes: {<fixed version>: [ids]}}}]}`.
 * `name` is the origin package. Converted per types.ts: one record per id, ecosystem
 * `Alpine:<distroversion>`, range `introduced: "0"`, `fixed: <key>`; key `"0"` (never affected)
 * gives no entry. YAML is read with every scalar a string, so `1.10-r0` stays `1.10-r0`.
 */
import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import { FeedFormatError } from "../errors.js";
import type { OsvRecord } from "../types.js";
import {
  type FeedBatch,
  headText,
  type ImportContext,
  type ImportInput,
  type VulnImporter,
} from "./types.js";

interface SecdbPackage {
  name?: unknown;
  secfixes?: unknown;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function parse(input: ImportInput): Record<string, unknown> {
  const text = readFileSync(input.path, "utf8");
  let doc: unknown;
  try {
    doc = /^\s*[{[]/.test(text) ? JSON.parse(text) : parseYaml(text, { schema: "failsafe" });
  } catch (err) {
    throw new FeedFormatError(input.name, `not readable as an Alpine secdb file: ${(err as Error).message}`);
  }
  if (!isObject(doc)) throw new FeedFormatError(input.name, "an Alpine secdb file must be an object");
  return doc;
}

/** Whole-file secdb → records; exported for tests and the bench. */
export function convertSecdb(
  doc: Record<string, unknown>,
  file: string,
  ctx: ImportContext,
): { feed: string; records: OsvRecord[] } {
  const release = doc.distroversion;
  if (typeof release !== "string" || !/^v?\d+\.\d+|^edge$/.test(release))
    throw new FeedFormatError(
      file,
      `expected "distroversion" such as "v3.18", got ${JSON.stringify(release)}`,
    );
  const distroversion = release.startsWith("v") || release === "edge" ? release : `v${release}`;
  const repo = typeof doc.reponame === "string" ? doc.reponame : "main";
  let packages: SecdbPackage[];
  let feed = `alpine-secdb:${distroversion}/${repo}`;
  if (Array.isArray(doc.packages)) {
    packages = doc.packages.map((p) => (isObject(p) && isObject(p.pkg) ? (p.pkg as SecdbPackage) : {}));
  } else if (typeof doc.name === "string") {
    // vuln-list's split form: one package per file, fields at the top level.
    packages = [doc as SecdbPackage];
    feed += `/${doc.name}`;
  } else throw new FeedFormatError(file, 'expected a "packages" list (Alpine secdb)');

  const ecosystem = `Alpine:${distroversion}`;
  const byId = new Map<string, OsvRecord>();
  for (const [i, pkg] of packages.entries()) {
    if (typeof pkg.name !== "string" || !pkg.name) {
      ctx.warn(`${file}: packages[${i}] has no pkg.name; skipped`);
      continue;
    }
    if (pkg.secfixes === undefined || pkg.secfixes === null || pkg.secfixes === "") continue;
    if (!isObject(pkg.secfixes)) {
      ctx.warn(`${file}: ${pkg.name}: secfixes is not a map of version → ids; skipped`);
      continue;
    }
    for (const [fixed, ids] of Object.entries(pkg.secfixes)) {
      if (fixed === "0") continue; // never affected in this release
      const list = Array.isArray(ids) ? ids : typeof ids === "string" ? [ids] : [];
      for (const entry of list) {
        if (typeof entry !== "string") continue;
        for (const id of entry.split(/\s+/).filter((t) => /^[A-Za-z][\w.]*-[\w.:-]+$/.test(t))) {
          let record = byId.get(id);
          if (!record) {
            record = { id, modified: ctx.now, affected: [], database_specific: { source: feed } };
            byId.set(id, record);
          }
          record.affected?.push({
            package: { ecosystem, name: pkg.name },
            ranges: [{ type: "ECOSYSTEM", events: [{ introduced: "0" }, { fixed }] }],
          });
        }
      }
    }
  }
  return { feed, records: [...byId.values()] };
}

export const alpineSecdbImporter: VulnImporter = {
  id: "alpine-secdb",
  describes: "an Alpine secdb file (secdb.alpinelinux.org JSON, or the YAML form)",
  detect: (input) => {
    if (input.isDirectory) return false;
    const head = headText(input);
    return (
      (/^\{/.test(head) && /"(secfixes|distroversion|apkurl)"\s*:/.test(head)) ||
      (!/^[{[<]/.test(head) && /^(distroversion|apkurl|reponame|urlprefix|archs|packages)\s*:/m.test(head))
    );
  },
  *read(input, ctx): Generator<FeedBatch> {
    const { feed, records } = convertSecdb(parse(input), input.name, ctx);
    yield { feed, kind: "alpine-secdb", mode: "replace", records };
  },
};
