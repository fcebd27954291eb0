/**
 * Ruby, installed: `specifications/<name>-<version>.gemspec` files under any gem home (the
 * stub gemspecs RubyGems writes on install). Reads `s.name`, `s.version` and `s.licenses` /
 * `s.license` by pattern; the Ruby code is not evaluated. purl: pkg:gem/<name>@<version>.
 */
import { purl } from "./purl.js";
import { type Cataloger, locationOf, type Package, readText } from "./types.js";

const GEMSPEC = /(^|\/)specifications\/[^/]+\.gemspec$/;

interface Gem {
  name: string;
  version: string;
  licenses: string[];
}

export function parseGemspec(text: string): Gem | undefined {
  const str = (field: string) =>
    new RegExp(`\\.${field}\\s*=\\s*["']([^"']+)["']`).exec(text)?.[1] ??
    new RegExp(`\\.${field}\\s*=\\s*Gem::Version\\.new\\(["']([^"']+)["']\\)`).exec(text)?.[1];
  const name = str("name");
  const version = str("version");
  if (!name || !version) return undefined;
  const list = /\.licenses\s*=\s*\[([^\]]*)\]/.exec(text)?.[1];
  const licenses = list
    ? [...list.matchAll(/["']([^"']+)["']/g)].map((m) => m[1])
    : [str("license")].filter((l): l is string => !!l);
  return { name, version, licenses };
}

export const gemspecCataloger: Cataloger<Gem> = {
  id: "gemspec",
  title: "Ruby gems installed (specifications/*.gemspec)",
  docs: "specifications/*.gemspec under any gem home",
  wants: (path, info) => info.type === "file" && GEMSPEC.test(path),
  read: async (file) => parseGemspec(await readText(file, 4 << 20)),
  build: (found) =>
    found.map(
      (f): Package => ({
        name: f.value.name,
        version: f.value.version,
        type: "gem",
        purl: purl("gem", undefined, f.value.name, f.value.version),
        licenses: f.value.licenses,
        locations: [locationOf(f)],
        foundBy: "gemspec",
      }),
    ),
};
