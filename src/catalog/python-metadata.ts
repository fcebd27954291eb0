/**
 * Python, installed: `*.dist-info/METADATA` (wheels, pip) and `*.egg-info/PKG-INFO` or a
 * single-file `*.egg-info` (setuptools, most Debian python3-* packages). Core-metadata headers:
 * Name, Version, License-Expression / License, and `License ::` classifiers.
 * purl: pkg:pypi/<PEP 503 name>@<version>.
 */
import { normalizePythonName, purl } from "./purl.js";
import { type Cataloger, locationOf, type Package, readText } from "./types.js";

const METADATA = /(^|\/)[^/]+\.dist-info\/METADATA$|(^|\/)[^/]+\.egg-info\/PKG-INFO$|(^|\/)[^/]+\.egg-info$/;

interface PyMeta {
  name: string;
  version: string;
  licenses: string[];
}

export function parseCoreMetadata(text: string): PyMeta | undefined {
  const headers: Record<string, string[]> = {};
  let last = "";
  for (const line of text.split(/\r?\n/)) {
    if (line === "") break; // the body (long description) follows the first blank line
    if (/^[ \t]/.test(line) && last) {
      const arr = headers[last];
      arr[arr.length - 1] += `\n${line.trim()}`;
      continue;
    }
    const i = line.indexOf(":");
    if (i <= 0) continue;
    last = line.slice(0, i).toLowerCase();
    (headers[last] ??= []).push(line.slice(i + 1).trim());
  }
  const name = headers.name?.[0];
  const version = headers.version?.[0];
  if (!name || !version) return undefined;
  const licenses: string[] = [];
  const expr = headers["license-expression"]?.[0];
  if (expr) licenses.push(expr);
  else {
    const lic = headers.license?.[0];
    // Some projects paste the whole license text here; keep short values only.
    if (lic && lic !== "UNKNOWN" && lic.length <= 100 && !lic.includes("\n")) licenses.push(lic);
    // Classifiers only when there is no usable License field.
    for (const c of licenses.length ? [] : (headers.classifier ?? [])) {
      const m = /^License :: (?:OSI Approved :: )?(.+)$/.exec(c);
      if (m && m[1] !== "OSI Approved" && !licenses.includes(m[1])) licenses.push(m[1]);
    }
  }
  return { name, version, licenses };
}

export const pythonMetadataCataloger: Cataloger<PyMeta> = {
  id: "python-metadata",
  title: "Python packages installed (dist-info, egg-info)",
  docs: "*.dist-info/METADATA, *.egg-info/PKG-INFO, single-file *.egg-info",
  wants: (path, info) => info.type === "file" && METADATA.test(path),
  read: async (file) => parseCoreMetadata(await readText(file, 8 << 20)),
  build(found) {
    return found.map(
      (f): Package => ({
        name: f.value.name,
        version: f.value.version,
        type: "pypi",
        purl: purl("pypi", undefined, normalizePythonName(f.value.name), f.value.version),
        licenses: f.value.licenses,
        locations: [locationOf(f)],
        foundBy: "python-metadata",
      }),
    );
  },
};
