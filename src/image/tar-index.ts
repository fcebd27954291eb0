/**
 * An index of a tar file on disk (name → data offset and size), read by seeking from header to
 * header without reading file data. Used for `docker save` archives, whose layers are then read in
 * place with ranged file streams. Handles ustar prefixes, GNU long names and pax path/size records.
 */
import { closeSync, openSync, readSync } from "node:fs";
import { ImageError } from "./types.js";

export interface TarMember {
  name: string;
  offset: number;
  size: number;
  type: string;
  linkname?: string;
}

function cstr(buf: Buffer, start: number, len: number): string {
  const end = buf.indexOf(0, start);
  return buf.toString("utf8", start, end === -1 || end > start + len ? start + len : end);
}

function octal(buf: Buffer, start: number, len: number): number {
  if (buf[start] & 0x80) {
    // GNU base-256 for large sizes
    let v = 0;
    for (let i = start + 1; i < start + len; i++) v = v * 256 + buf[i];
    return v;
  }
  const s = cstr(buf, start, len).trim();
  return s === "" ? 0 : Number.parseInt(s, 8);
}

function parsePax(data: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  let pos = 0;
  while (pos < data.length) {
    const sp = data.indexOf(0x20, pos);
    if (sp === -1) break;
    const len = Number.parseInt(data.toString("utf8", pos, sp), 10);
    if (!Number.isFinite(len) || len <= 0) break;
    const rec = data.toString("utf8", sp + 1, pos + len - 1);
    const eq = rec.indexOf("=");
    if (eq > 0) out[rec.slice(0, eq)] = rec.slice(eq + 1);
    pos += len;
  }
  return out;
}

export function indexTarFile(file: string): Map<string, TarMember> {
  const fd = openSync(file, "r");
  const out = new Map<string, TarMember>();
  const header = Buffer.alloc(512);
  let offset = 0;
  let longName: string | undefined;
  let pax: Record<string, string> = {};
  try {
    for (;;) {
      const n = readSync(fd, header, 0, 512, offset);
      if (n < 512 || header.every((b) => b === 0)) break;
      if (cstr(header, 257, 6) !== "ustar" && cstr(header, 257, 5) !== "ustar") {
        // Old v7 tars have no magic; accept them when the checksum matches.
        let sum = 0;
        for (let i = 0; i < 512; i++) sum += i >= 148 && i < 156 ? 32 : header[i];
        if (sum !== octal(header, 148, 8)) {
          throw new ImageError(`${file}: not a tar archive (bad header at byte ${offset})`, "bad-format");
        }
      }
      const type = String.fromCharCode(header[156] || 0x30);
      let size = octal(header, 124, 12);
      const dataOffset = offset + 512;
      if (type === "L" || type === "x" || type === "g") {
        const data = Buffer.alloc(size);
        readSync(fd, data, 0, size, dataOffset);
        if (type === "L") longName = cstr(data, 0, size);
        else if (type === "x") pax = parsePax(data);
      } else {
        const prefix = cstr(header, 345, 155);
        let name =
          longName ?? pax.path ?? (prefix ? `${prefix}/${cstr(header, 0, 100)}` : cstr(header, 0, 100));
        if (pax.size) size = Number.parseInt(pax.size, 10);
        name = name.replace(/^\.\//, "").replace(/^\/+/, "");
        out.set(name, {
          name,
          offset: dataOffset,
          size,
          type,
          linkname: pax.linkpath ?? (cstr(header, 157, 100) || undefined),
        });
        longName = undefined;
        pax = {};
      }
      offset = dataOffset + Math.ceil(size / 512) * 512;
    }
  } finally {
    closeSync(fd);
  }
  return out;
}
