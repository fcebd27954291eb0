/**
 * npm lockfiles: `package-lock.json` and `npm-shrinkwrap.json`, lockfileVersion 1 (nested
 * `dependencies`), 2 and 3 (flat `packages` keyed by node_modules path). Development
 * dependencies are left out (they are not installed in a production image); linked workspace
 * entries are skipped. The hidden `node_modules/.package-lock.json` is not read.
 */
import { npmPurl } from "./npm-package.js";
import { basename, type Cataloger, locationOf, type Package, readText } from "./types.js";

interface LockEntry {
  name: string;
  version: string;
  license?: string;
  dev: boolean;
}

export function parseNpmLock(text: string): LockEntry[] {
  const json = JSON.parse(text) as Record<string, unknown>;
  const out: LockEntry[] = [];
  const packages = json.packages as Record<string, Record<string, unknown>> | undefined;
  if (packages && typeof packages === "object") {
    for (const [key, p] of Object.entries(packages)) {
      if (key === "" || p.link === true) continue;
      const i = key.lastIndexOf("node_modules/");
      const name = typeof p.name === "string" ? p.name : i >= 0 ? key.slice(i + "node_modules/".length) : "";
      if (!name || typeof p.version !== "string") continue;
      out.push({
        name,
        version: p.version,
        license: typeof p.license === "string" ? p.license : undefined,
        dev: p.dev === true || p.devOptional === true,
      });
    }
    return out;
  }
  const walk = (deps: unknown) => {
    if (!deps || typeof deps !== "object") return;
    for (const [name, d] of Object.entries(deps as Record<string, Record<string, unknown>>)) {
      if (typeof d.version === "string" && !d.version.startsWith("file:")) {
        out.push({ name, version: d.version, dev: d.dev === true });
      }
      walk(d.dependencies);
    }
  };
  walk(json.dependencies);
  return out;
}

export const npmLockCataloger: Cataloger<LockEntry[]> = {
  id: "npm-lock",
  title: "npm lockfiles (package-lock.json v1-v3, npm-shrinkwrap.json)",
  docs: "package-lock.json, npm-shrinkwrap.json outside node_modules; dev dependencies excluded",
  wants: (path, info) => {
    if (info.type !== "file" || path.includes("node_modules/")) return false;
    const b = basename(path);
    return b === "package-lock.json" || b === "npm-shrinkwrap.json";
  },
  read: async (file) => parseNpmLock(await readText(file, 64 << 20)),
  build(found) {
    const out: Package[] = [];
    for (const f of found) {
      for (const e of f.value) {
        if (e.dev) continue;
        out.push({
          name: e.name,
          version: e.version,
          type: "npm",
          purl: npmPurl(e.name, e.version),
          licenses: e.license ? [e.license] : [],
          locations: [locationOf(f)],
          foundBy: "npm-lock",
        });
      }
    }
    return out;
  },
};
