/**
 * poetry.lock: the `[[package]]` tables' `name` and `version` (and `category = "dev"` in older
 * lockfiles, which is left out). A small line reader; the rest of the TOML is not needed.
 */
import { normalizePythonName, purl } from "./purl.js";
import { basename, type Cataloger, lockFilePackages, readText } from "./types.js";

interface LockPkg {
  name: string;
  version: string;
}

/** Read `[[package]]` (or `[[<table>]]`) tables' simple `key = "value"` pairs from TOML. */
export function tomlTables(text: string, table: string): Record<string, string>[] {
  const out: Record<string, string>[] = [];
  let cur: Record<string, string> | undefined;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line.startsWith("[")) {
      cur = line === `[[${table}]]` ? {} : undefined;
      if (cur) out.push(cur);
      continue;
    }
    if (!cur) continue;
    const m = /^([A-Za-z0-9_-]+)\s*=\s*"((?:[^"\\]|\\.)*)"/.exec(line);
    if (m) cur[m[1]] = m[2];
  }
  return out;
}

export const poetryLockCataloger: Cataloger<LockPkg[]> = {
  id: "poetry-lock",
  title: "poetry.lock",
  docs: "poetry.lock; dev-category packages excluded",
  wants: (path, info) => info.type === "file" && basename(path) === "poetry.lock",
  async read(file) {
    return tomlTables(await readText(file, 32 << 20), "package")
      .filter((t) => t.name && t.version && t.category !== "dev")
      .map((t) => ({ name: t.name, version: t.version }));
  },
  build: (found) =>
    lockFilePackages(found, {
      type: "pypi",
      foundBy: "poetry-lock",
      purl: (p) => purl("pypi", undefined, normalizePythonName(p.name), p.version),
    }),
};
