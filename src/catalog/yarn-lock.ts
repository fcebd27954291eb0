/**
 * yarn.lock: classic (v1) and Berry (v2+, YAML-like with `version:`). Each block's header lists the
 * specifiers (`"lodash@^4.17.0", lodash@^4.17.21:`), the body its resolved `version`. Berry's
 * workspace/link/patch-only entries are skipped.
 */
import { npmPurl } from "./npm-package.js";
import { basename, type Cataloger, lockFilePackages, readText } from "./types.js";

interface YarnEntry {
  name: string;
  version: string;
}

function nameFromSpecifier(spec: string): string | undefined {
  const s = spec.trim().replace(/^"|"$/g, "");
  const at = s.indexOf("@", s.startsWith("@") ? 1 : 0);
  return at > 0 ? s.slice(0, at) : undefined;
}

export function parseYarnLock(text: string): YarnEntry[] {
  const out: YarnEntry[] = [];
  const seen = new Set<string>();
  let names: string[] = [];
  let skip = false;
  for (const line of text.split(/\r?\n/)) {
    if (line.startsWith("#") || line.trim() === "") continue;
    if (!/^\s/.test(line)) {
      const header = line.replace(/:\s*$/, "");
      const specs = header.split(/,\s*/);
      names = specs.map(nameFromSpecifier).filter((n): n is string => !!n);
      skip = specs.some((s) => /@(workspace|link|portal|file):/.test(s)) || header === "__metadata";
      continue;
    }
    const m = /^\s{2}version:?\s+"?([^"\s]+)"?\s*$/.exec(line);
    if (m && names.length && !skip) {
      const name = names[0];
      const key = `${name}@${m[1]}`;
      if (!seen.has(key)) {
        seen.add(key);
        out.push({ name, version: m[1] });
      }
      names = [];
    }
  }
  return out;
}

export const yarnLockCataloger: Cataloger<YarnEntry[]> = {
  id: "yarn-lock",
  title: "yarn.lock (classic and Berry)",
  docs: "yarn.lock outside node_modules",
  wants: (path, info) =>
    info.type === "file" && basename(path) === "yarn.lock" && !path.includes("node_modules/"),
  read: async (file) => parseYarnLock(await readText(file, 64 << 20)),
  build: (found) =>
    lockFilePackages(found, { type: "npm", foundBy: "yarn-lock", purl: (e) => npmPurl(e.name, e.version) }),
};
