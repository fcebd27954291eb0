/**
 * Rust binaries built with `cargo auditable`: the `.dep-v0` section (ELF; `__DATA,.dep-v0` in
 * Mach-O, `.dep-v0` in PE) holds zlib-compressed JSON `{"packages":[{name, version, source,
 * kind?, dependencies?, root?}]}`. Section headers sit at the end of an ELF file, after the
 * section's bytes have streamed by, so instead of seeking the binary is scanned as it streams for
 * a zlib header whose first inflated bytes are `{"packages":`; that stream is inflated (at most
 * 8 MiB) and must parse as the audit JSON. Only a small window is kept, never the binary.
 * Packages: every entry (build-only dependencies flagged in metadata, the root crate marked).
 * purl: pkg:cargo/<name>@<version>.
 */
import { constants, inflateSync } from "node:zlib";
import { isExecutableMagic } from "./go-binary.js";
import { purl } from "./purl.js";
import { type Cataloger, lockFilePackages } from "./types.js";

const PREFIX = Buffer.from('{"packages":');
/** Bytes after a candidate zlib header needed to check its first inflated bytes. */
const PROBE = 256;
const MAX_COMPRESSED = 8 << 20;
const MAX_JSON = 32 << 20;

export interface AuditableCrate {
  name: string;
  version: string;
  source: string;
  kind: "runtime" | "build";
  root: boolean;
}

/** zlib header bytes: CMF 0x78 (deflate, 32 KiB window) and an FLG for each compression level. */
function isZlibHeader(b: Buffer, i: number): boolean {
  if (b[i] !== 0x78) return false;
  const flg = b[i + 1];
  return flg === 0x01 || flg === 0x5e || flg === 0x9c || flg === 0xda;
}

/** Does the zlib stream at `b[i]` start inflating to `{"packages":`? */
function probe(b: Buffer, i: number): boolean {
  try {
    const out = inflateSync(b.subarray(i, i + PROBE), {
      finishFlush: constants.Z_SYNC_FLUSH,
      maxOutputLength: 1 << 16,
    });
    return out.length >= PREFIX.length && out.subarray(0, PREFIX.length).equals(PREFIX);
  } catch {
    return false;
  }
}

/** Parse the audit JSON; throws on anything that is not the cargo-auditable shape. */
export function parseAuditData(json: string): AuditableCrate[] {
  const data = JSON.parse(json) as { packages?: unknown };
  if (!Array.isArray(data.packages)) throw new Error("cargo-auditable data without a packages array");
  return data.packages.map((p: Record<string, unknown>, i: number) => {
    if (typeof p?.name !== "string" || typeof p.version !== "string")
      throw new Error(`cargo-auditable package ${i} lacks a name or version`);
    return {
      name: p.name,
      version: p.version,
      source: typeof p.source === "string" ? p.source : "",
      kind: p.kind === "build" ? "build" : "runtime",
      root: p.root === true,
    };
  });
}

/** Inflate a complete zlib stream from `buf`; undefined while it is still incomplete. */
function tryInflate(buf: Buffer): Buffer | undefined {
  try {
    return inflateSync(buf, { maxOutputLength: MAX_JSON });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "Z_BUF_ERROR") return undefined; // needs more input
    throw err;
  }
}

/** Scan an executable's chunks for the cargo-auditable data. */
export async function scanCargoAuditable(
  chunks: AsyncIterable<Buffer>,
): Promise<AuditableCrate[] | undefined> {
  let first = true;
  let tail = Buffer.alloc(0);
  let found: Buffer[] | undefined;
  let foundLen = 0;
  const finish = (): AuditableCrate[] | undefined => {
    const all = Buffer.concat(found as Buffer[]);
    const json = tryInflate(all);
    return json ? parseAuditData(json.toString("utf8")) : undefined;
  };
  /** Look for a candidate in hay[from, to); returns the rest of hay from it, or undefined. */
  const search = (hay: Buffer, to: number): Buffer | undefined => {
    for (let i = hay.indexOf(0x78); i !== -1 && i < to; i = hay.indexOf(0x78, i + 1)) {
      if (isZlibHeader(hay, i) && probe(hay, i)) return hay.subarray(i);
    }
    return undefined;
  };
  for await (const chunk of chunks) {
    if (first) {
      // The magic may arrive split over tiny chunks.
      const head = tail.length ? Buffer.concat([tail, chunk]) : chunk;
      if (head.length < 4) {
        tail = Buffer.from(head);
        continue;
      }
      first = false;
      if (!isExecutableMagic(head)) return undefined;
    }
    if (found) {
      found.push(chunk);
      foundLen += chunk.length;
    } else {
      const hay = tail.length ? Buffer.concat([tail, chunk]) : chunk;
      // Leave the last PROBE bytes for the next round, so a candidate always has its probe window.
      const limit = Math.max(0, hay.length - PROBE);
      const hit = search(hay, limit);
      if (hit) {
        found = [Buffer.from(hit)];
        foundLen = hit.length;
      } else tail = Buffer.from(hay.subarray(limit));
    }
    if (found) {
      const r = tryInflate(Buffer.concat(found));
      if (r) return parseAuditData(r.toString("utf8"));
      if (foundLen > MAX_COMPRESSED) throw new Error("cargo-auditable data larger than 8 MiB");
      found = [Buffer.concat(found)];
    }
  }
  if (!found) {
    const hit = tail.length ? search(tail, tail.length) : undefined;
    if (!hit) return undefined;
    found = [hit];
  }
  return finish();
}

export const cargoAuditableCataloger: Cataloger<AuditableCrate[]> = {
  id: "cargo-auditable",
  title: "Rust binaries built with cargo auditable",
  docs: "executables (ELF, Mach-O, PE) with a .dep-v0 section: zlib-compressed JSON dependency list",
  wants: (_path, info) => info.type === "file" && (info.mode & 0o111) !== 0 && info.size > 4096,
  read: (file) => scanCargoAuditable(file.chunks()),
  build: (found) =>
    lockFilePackages(found, {
      type: "cargo",
      foundBy: "cargo-auditable",
      purl: (c) => purl("cargo", undefined, c.name, c.version),
      metadata: (c) => ({
        ...(c.source ? { source: c.source } : {}),
        ...(c.kind === "build" ? { buildDependency: true } : {}),
        ...(c.root ? { root: true } : {}),
      }),
    }),
};
