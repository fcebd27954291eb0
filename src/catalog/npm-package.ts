/**
 * npm, installed: every `node_modules/<name>/package.json` and `node_modules/@scope/<name>/package.json`
 * at any depth (nested node_modules included). Name, version and the declared license(s).
 * Lockfiles are separate catalogers (npm-lock, yarn-lock, pnpm-lock).
 */
import { purl } from "./purl.js";
import { type Cataloger, locationOf, type Package, readText } from "./types.js";

const INSTALLED = /(^|\/)node_modules\/(@[^/]+\/)?[^/@][^/]*\/package\.json$/;

interface NpmManifest {
  name: string;
  version: string;
  licenses: string[];
  homepage?: string;
}

/** `license: "MIT"`, `license: {type}`, or the old `licenses: [{type}]`. */
export function npmLicenses(json: Record<string, unknown>): string[] {
  const out: string[] = [];
  const add = (v: unknown) => {
    if (typeof v === "string" && v.trim()) {
      if (!out.includes(v.trim())) out.push(v.trim());
    } else if (v && typeof v === "object" && typeof (v as { type?: unknown }).type === "string") {
      const t = (v as { type: string }).type;
      if (!out.includes(t)) out.push(t);
    }
  };
  add(json.license);
  if (Array.isArray(json.licenses)) json.licenses.forEach(add);
  return out;
}

export function npmPurl(name: string, version: string): string {
  const slash = name.startsWith("@") ? name.indexOf("/") : -1;
  return slash > 0
    ? purl("npm", name.slice(0, slash), name.slice(slash + 1), version)
    : purl("npm", undefined, name, version);
}

export const npmPackageCataloger: Cataloger<NpmManifest> = {
  id: "npm-package",
  title: "npm packages installed in node_modules",
  docs: "node_modules/**/package.json (also nested and scoped)",
  wants: (path, info) => info.type === "file" && INSTALLED.test(path),
  async read(file) {
    const json = JSON.parse(await readText(file, 4 << 20)) as Record<string, unknown>;
    if (typeof json.name !== "string" || typeof json.version !== "string") return undefined;
    return {
      name: json.name,
      version: json.version,
      licenses: npmLicenses(json),
      homepage: typeof json.homepage === "string" ? json.homepage : undefined,
    };
  },
  build(found) {
    return found.map(
      (f): Package => ({
        name: f.value.name,
        version: f.value.version,
        type: "npm",
        purl: npmPurl(f.value.name, f.value.version),
        licenses: f.value.licenses,
        locations: [locationOf(f)],
        foundBy: "npm-package",
      }),
    );
  },
};
