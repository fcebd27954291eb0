/**
 * Go binaries: the build information the Go linker embeds in every module-aware binary (ELF,
 * Mach-O, PE). The executable is scanned as it streams for the `\xff Go buildinf:` header; in the
 * Go 1.18+ layout the header is followed by two varint-length strings, the toolchain version
 * and the module info (`path`, `mod`, `dep`, `=>` replacement and `build` lines), so only a few
 * KiB after the header are kept. The older pointer-based layout (Go ≤ 1.17) needs the binary's
 * address map and is not read yet. Packages: each dependency (a replacement wins, recorded in
 * metadata), the main module, and the toolchain as `stdlib`. purl: pkg:golang/<module>@<version>.
 */
import { purl } from "./purl.js";
import { type Cataloger, locationOf, type Package } from "./types.js";

const MAGIC = Buffer.from("\xff Go buildinf:", "latin1");
const HEADER = 32;
const KEEP = 1 << 20;

export interface GoModule {
  path: string;
  version: string;
  sum?: string;
  replace?: { path: string; version: string; sum?: string };
}

export interface GoBuildInfo {
  goVersion: string;
  path?: string;
  main?: GoModule;
  deps: GoModule[];
  settings: Record<string, string>;
}

export function isExecutableMagic(b: Buffer): boolean {
  if (b.length < 4) return false;
  const be = b.readUInt32BE(0);
  const le = b.readUInt32LE(0);
  return (
    be === 0x7f454c46 || // ELF
    le === 0xfeedface ||
    le === 0xfeedfacf || // Mach-O 32/64 (little-endian hosts)
    be === 0xfeedface ||
    be === 0xfeedfacf ||
    (b[0] === 0x4d && b[1] === 0x5a) // PE "MZ"
  );
}

function readVarint(b: Buffer, pos: number): [value: number, next: number] | undefined {
  let v = 0;
  let shift = 0;
  for (let i = pos; i < b.length && i < pos + 10; i++) {
    v += (b[i] & 0x7f) * 2 ** shift;
    if ((b[i] & 0x80) === 0) return [v, i + 1];
    shift += 7;
  }
  return undefined;
}

/** Decode the bytes from the magic on; undefined when incomplete or in the old pointer layout. */
export function decodeBuildInfoBlob(
  blob: Buffer,
): { version: string; modinfo: string } | "old-format" | undefined {
  if (blob.length < HEADER) return undefined;
  const flags = blob[15];
  if ((flags & 0x2) === 0) return "old-format";
  const a = readVarint(blob, HEADER);
  if (!a || a[1] + a[0] > blob.length) return undefined;
  const version = blob.toString("utf8", a[1], a[1] + a[0]);
  const b = readVarint(blob, a[1] + a[0]);
  if (!b || b[1] + b[0] > blob.length) return undefined;
  let mod = blob.subarray(b[1], b[1] + b[0]);
  // The module info is framed by 16-byte sentinels.
  if (mod.length >= 33 && mod[mod.length - 17] === 0x0a) mod = mod.subarray(16, mod.length - 16);
  return { version, modinfo: mod.toString("utf8") };
}

export function parseModinfo(goVersion: string, modinfo: string): GoBuildInfo {
  const info: GoBuildInfo = { goVersion, deps: [], settings: {} };
  let last: GoModule | undefined;
  for (const line of modinfo.split("\n")) {
    const f = line.split("\t");
    switch (f[0]) {
      case "path":
        info.path = f[1];
        break;
      case "mod":
        info.main = last = { path: f[1], version: f[2] ?? "", sum: f[3] || undefined };
        break;
      case "dep":
        last = { path: f[1], version: f[2] ?? "", sum: f[3] || undefined };
        info.deps.push(last);
        break;
      case "=>":
        if (last) last.replace = { path: f[1], version: f[2] ?? "", sum: f[3] || undefined };
        break;
      case "build": {
        const eq = (f[1] ?? "").indexOf("=");
        if (eq > 0) info.settings[f[1].slice(0, eq)] = f[1].slice(eq + 1);
        break;
      }
    }
  }
  return info;
}

/** Scan a stream of chunks for Go build info, keeping at most ~1 MiB. */
export async function scanGoBuildInfo(chunks: AsyncIterable<Buffer>): Promise<GoBuildInfo | undefined> {
  let first = true;
  let tail = Buffer.alloc(0);
  let blob: Buffer | undefined;
  for await (const chunk of chunks) {
    if (first) {
      first = false;
      if (!isExecutableMagic(chunk)) return undefined;
    }
    if (blob) {
      blob = Buffer.concat([blob, chunk.subarray(0, KEEP - blob.length)]);
    } else {
      const hay = tail.length ? Buffer.concat([tail, chunk]) : chunk;
      const at = hay.indexOf(MAGIC);
      if (at >= 0) blob = Buffer.from(hay.subarray(at, at + KEEP));
      else tail = Buffer.from(hay.subarray(Math.max(0, hay.length - MAGIC.length + 1)));
    }
    if (blob) {
      const d = decodeBuildInfoBlob(blob);
      if (d === "old-format") return undefined;
      if (d) return parseModinfo(d.version, d.modinfo);
      if (blob.length >= KEEP) return undefined;
    }
  }
  if (blob) {
    const d = decodeBuildInfoBlob(blob);
    if (d && d !== "old-format") return parseModinfo(d.version, d.modinfo);
  }
  return undefined;
}

export function goPurl(module: string, version: string): string {
  const i = module.lastIndexOf("/");
  return purl(
    "golang",
    i > 0 ? module.slice(0, i) : undefined,
    i > 0 ? module.slice(i + 1) : module,
    version && version !== "(devel)" ? version : undefined,
  );
}

export const goBinaryCataloger: Cataloger<GoBuildInfo> = {
  id: "go-binary",
  title: "Go binaries (embedded module build info)",
  docs: "executable files (ELF, Mach-O, PE) with Go ≥ 1.18 build info; Go ≤ 1.17 pointer layout not yet read",
  wants: (_path, info) => info.type === "file" && (info.mode & 0o111) !== 0 && info.size > 4096,
  read: (file) => scanGoBuildInfo(file.chunks()),
  build(found) {
    const out: Package[] = [];
    for (const f of found) {
      const bi = f.value;
      const loc = locationOf(f);
      const goVersion = bi.goVersion.replace(/^go/, "v").split(" ")[0];
      const meta = { goToolchain: bi.goVersion, ...(bi.main ? { mainModule: bi.main.path } : {}) };
      for (const d of bi.deps) {
        const eff = d.replace?.version ? d.replace : d;
        out.push({
          name: eff.path,
          version: eff.version,
          type: "golang",
          purl: goPurl(eff.path, eff.version),
          licenses: [],
          locations: [loc],
          foundBy: "go-binary",
          metadata: {
            ...meta,
            ...(d.replace
              ? {
                  replaces: `${d.path}@${d.version}`,
                  replacement: `${d.replace.path}${d.replace.version ? `@${d.replace.version}` : ""}`,
                }
              : {}),
            ...(eff.sum ? { h1: eff.sum } : {}),
          },
        });
      }
      if (bi.main) {
        out.push({
          name: bi.main.path,
          version: bi.main.version,
          type: "golang",
          purl: goPurl(bi.main.path, bi.main.version),
          licenses: [],
          locations: [loc],
          foundBy: "go-binary",
          metadata: { ...meta, main: true, ...bi.settings },
        });
      }
      out.push({
        name: "stdlib",
        version: goVersion,
        type: "golang",
        purl: purl("golang", undefined, "stdlib", goVersion),
        licenses: ["BSD-3-Clause"],
        locations: [loc],
        foundBy: "go-binary",
        metadata: meta,
      });
    }
    return out;
  },
};
