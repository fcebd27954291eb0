/**
 * apk: the Alpine (and Wolfi/Chainguard) package database `lib/apk/db/installed`. One stanza per
 * package with single-letter keys (P name, V version, A arch, o origin, L license, m maintainer).
 * purl: pkg:apk/<os id>/<name>@<version>?arch=&upstream=<origin>&distro=alpine-3.18.3.
 */
import { distroQualifier, purl } from "./purl.js";
import { type Cataloger, locationOf, type Package, readText, stanzas } from "./types.js";

interface ApkRecord {
  name: string;
  version: string;
  arch?: string;
  origin?: string;
  license?: string;
  maintainer?: string;
  url?: string;
}

export function parseApkInstalled(text: string): ApkRecord[] {
  const out: ApkRecord[] = [];
  for (const stanza of stanzas(text)) {
    const f: Record<string, string> = {};
    for (const line of stanza.split(/\r?\n/)) {
      if (line.length < 2 || line[1] !== ":") continue;
      const k = line[0];
      if (!(k in f)) f[k] = line.slice(2);
    }
    if (!f.P || !f.V) continue;
    out.push({ name: f.P, version: f.V, arch: f.A, origin: f.o, license: f.L, maintainer: f.m, url: f.U });
  }
  return out;
}

export const apkCataloger: Cataloger<ApkRecord[]> = {
  id: "apk",
  title: "Alpine packages (apk installed database)",
  docs: "lib/apk/db/installed",
  wants: (path, info) => info.type === "file" && path === "lib/apk/db/installed",
  read: async (file) => parseApkInstalled(await readText(file, 64 << 20)),
  build(found, ctx) {
    const namespace = ctx.os && ctx.os.family !== "" ? ctx.os.family : "alpine";
    const distro = distroQualifier(ctx.os);
    const out: Package[] = [];
    for (const f of found) {
      for (const r of f.value) {
        out.push({
          name: r.name,
          version: r.version,
          type: "apk",
          purl: purl("apk", namespace, r.name, r.version, {
            arch: r.arch,
            upstream: r.origin && r.origin !== r.name ? r.origin : undefined,
            distro,
          }),
          // apk's L: is an SPDX-like expression with spaces ("MIT AND BSD-2-Clause" or "GPL-2.0-only")
          licenses: r.license ? [r.license] : [],
          locations: [locationOf(f)],
          foundBy: "apk",
          source: { name: r.origin ?? r.name, version: r.version },
          arch: r.arch,
          metadata: r.maintainer ? { maintainer: r.maintainer } : undefined,
        });
      }
    }
    return out;
  },
};
