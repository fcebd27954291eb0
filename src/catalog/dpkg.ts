/**
 * dpkg: the Debian/Ubuntu package database. Reads `var/lib/dpkg/status` and the distroless
 * per-package files `var/lib/dpkg/status.d/*`, keeps packages whose Status is installed, with
 * Source package and source version, and declared licenses from the machine-readable
 * `usr/share/doc/<pkg>/copyright` files. purl: pkg:deb/<os id>/<name>@<version>?arch=&distro=.
 */
import { distroQualifier, purl } from "./purl.js";
import { type Cataloger, locationOf, type Package, readText, stanzas } from "./types.js";

interface DpkgRecord {
  name: string;
  version: string;
  arch?: string;
  source?: string;
  sourceVersion?: string;
  status?: string;
  maintainer?: string;
}

type DpkgValue =
  | { kind: "db"; records: DpkgRecord[] }
  | { kind: "copyright"; pkg: string; licenses: string[] };

export function parseDpkgStatus(text: string): DpkgRecord[] {
  const out: DpkgRecord[] = [];
  for (const stanza of stanzas(text)) {
    const fields: Record<string, string> = {};
    let last = "";
    for (const line of stanza.split(/\r?\n/)) {
      if (/^[ \t]/.test(line)) {
        if (last) fields[last] += `\n${line.trim()}`;
        continue;
      }
      const i = line.indexOf(":");
      if (i <= 0) continue;
      last = line.slice(0, i).toLowerCase();
      fields[last] = line.slice(i + 1).trim();
    }
    if (!fields.package || !fields.version) continue;
    const rec: DpkgRecord = {
      name: fields.package,
      version: fields.version,
      arch: fields.architecture,
      status: fields.status,
      maintainer: fields.maintainer,
    };
    if (fields.source) {
      const m = /^(\S+)(?:\s+\((\S+)\))?/.exec(fields.source);
      if (m) {
        rec.source = m[1];
        rec.sourceVersion = m[2];
      }
    }
    out.push(rec);
  }
  return out;
}

/** License short names from a DEP-5 copyright file (`License: GPL-2+`), first line of each. */
export function parseCopyrightLicenses(text: string): string[] {
  const seen = new Set<string>();
  for (const m of text.matchAll(/^License:[ \t]*(.+)$/gm)) {
    const v = m[1].trim();
    if (v) seen.add(v);
  }
  return [...seen];
}

const COPYRIGHT = /^usr\/share\/doc\/([^/]+)\/copyright$/;

export const dpkgCataloger: Cataloger<DpkgValue> = {
  id: "dpkg",
  title: "Debian packages (dpkg status database)",
  docs: "var/lib/dpkg/status, var/lib/dpkg/status.d/* (distroless), usr/share/doc/*/copyright for licenses",
  wants(path, info) {
    if (info.type !== "file") return false;
    if (path === "var/lib/dpkg/status") return true;
    if (path.startsWith("var/lib/dpkg/status.d/")) return !path.endsWith(".md5sums");
    return COPYRIGHT.test(path);
  },
  async read(file) {
    const m = COPYRIGHT.exec(file.path);
    if (m)
      return {
        kind: "copyright",
        pkg: m[1],
        licenses: parseCopyrightLicenses(await readText(file, 4 << 20)),
      };
    return { kind: "db", records: parseDpkgStatus(await readText(file, 64 << 20)) };
  },
  build(found, ctx) {
    const licenses = new Map<string, string[]>();
    for (const f of found) if (f.value.kind === "copyright") licenses.set(f.value.pkg, f.value.licenses);
    const namespace = ctx.os && ["debian", "ubuntu"].includes(ctx.os.family) ? ctx.os.family : "debian";
    const distro = distroQualifier(ctx.os);
    const out: Package[] = [];
    for (const f of found) {
      if (f.value.kind !== "db") continue;
      for (const r of f.value.records) {
        // Only installed packages; status.d files (distroless) carry no Status field.
        // (config-files and not-installed entries are leftovers of removed packages).
        const state = r.status?.split(/\s+/)[2];
        if (state === "config-files" || state === "not-installed") continue;
        const upstream =
          r.source && r.source !== r.name
            ? r.sourceVersion && r.sourceVersion !== r.version
              ? `${r.source}@${r.sourceVersion}`
              : r.source
            : r.sourceVersion && r.sourceVersion !== r.version
              ? `${r.name}@${r.sourceVersion}`
              : undefined;
        out.push({
          name: r.name,
          version: r.version,
          type: "deb",
          purl: purl("deb", namespace, r.name, r.version, { arch: r.arch, upstream, distro }),
          licenses: licenses.get(r.name) ?? [],
          locations: [locationOf(f)],
          foundBy: "dpkg",
          source: { name: r.source ?? r.name, version: r.sourceVersion ?? r.version },
          arch: r.arch,
          metadata: r.maintainer ? { maintainer: r.maintainer } : undefined,
        });
      }
    }
    return out;
  },
};
