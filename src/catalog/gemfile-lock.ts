/**
 * Gemfile.lock: the `specs:` entries of GEM (and GIT/PATH) sections, four-space indented
 * `name (version)` lines (platform suffixes like `-x86_64-linux` are dropped from the version).
 */
import { purl } from "./purl.js";
import { basename, type Cataloger, lockFilePackages, readText } from "./types.js";

interface Gem {
  name: string;
  version: string;
}

export function parseGemfileLock(text: string): Gem[] {
  const out: Gem[] = [];
  let inSpecs = false;
  for (const line of text.split(/\r?\n/)) {
    if (/^\S/.test(line)) inSpecs = false;
    if (/^ {2}specs:\s*$/.test(line)) {
      inSpecs = true;
      continue;
    }
    const m = inSpecs ? /^ {4}([^\s(]+) \(([^)]+)\)\s*$/.exec(line) : null;
    if (m) out.push({ name: m[1], version: m[2].replace(/-(x86|arm|aarch|java|universal|x64).*$/, "") });
  }
  return out;
}

export const gemfileLockCataloger: Cataloger<Gem[]> = {
  id: "gemfile-lock",
  title: "Gemfile.lock",
  docs: "Gemfile.lock specs",
  wants: (path, info) => info.type === "file" && basename(path) === "Gemfile.lock",
  read: async (file) => parseGemfileLock(await readText(file, 16 << 20)),
  build: (found) =>
    lockFilePackages(found, {
      type: "gem",
      foundBy: "gemfile-lock",
      purl: (g) => purl("gem", undefined, g.name, g.version),
    }),
};
