/**
 * Decoding tar headers: the 512-byte header fields (NUL-terminated strings, octal and GNU
 * base-256 numbers), the checksum (unsigned and old signed sums), the ustar prefix, pax extended
 * records and entry types. One decoder for both tar readers: the streaming layer reader
 * (tar-reader.ts) and the seeking archive index (tar-index.ts).
 */
import type { EntryType } from "./types.js";

export const BLOCK = 512;

export function field(buf: Buffer, start: number, len: number): string {
  let end = start;
  const stop = start + len;
  while (end < stop && buf[end] !== 0) end++;
  return buf.toString("utf8", start, end);
}

export function numeric(buf: Buffer, start: number, len: number): number {
  if (buf[start] & 0x80) {
    // GNU base-256 (large sizes and ids)
    let v = buf[start] & 0x7f;
    for (let i = start + 1; i < start + len; i++) v = v * 256 + buf[i];
    return v;
  }
  let v = 0;
  let seen = false;
  for (let i = start; i < start + len; i++) {
    const c = buf[i];
    if (c >= 0x30 && c <= 0x37) {
      v = v * 8 + (c - 0x30);
      seen = true;
    } else if (c === 0 || ((c === 0x20 || c === 0x09) && seen)) break;
    else if (c !== 0x20 && c !== 0x09) return Number.NaN;
  }
  return v;
}

export function checksumOk(h: Buffer): boolean {
  const stored = numeric(h, 148, 8);
  let sum = 8 * 0x20;
  for (let i = 0; i < 148; i++) sum += h[i];
  for (let i = 156; i < BLOCK; i++) sum += h[i];
  if (sum === stored) return true;
  // Some old writers summed signed bytes.
  let signed = 8 * 0x20;
  for (let i = 0; i < BLOCK; i++) if (i < 148 || i >= 156) signed += (h[i] << 24) >> 24;
  return signed === stored;
}

export function isZeroBlock(h: Buffer): boolean {
  for (let i = 0; i < BLOCK; i++) if (h[i] !== 0) return false;
  return true;
}

/** Pax extended header records: `<len> <key>=<value>\n`. */
export function parsePaxRecords(data: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  let pos = 0;
  while (pos < data.length) {
    const sp = data.indexOf(0x20, pos);
    if (sp === -1) break;
    const len = Number.parseInt(data.toString("latin1", pos, sp), 10);
    if (!Number.isFinite(len) || len <= sp - pos || pos + len > data.length) break;
    const rec = data.toString("utf8", sp + 1, pos + len - 1);
    const eq = rec.indexOf("=");
    if (eq > 0) out[rec.slice(0, eq)] = rec.slice(eq + 1);
    pos += len;
  }
  return out;
}

export function normalizeEntryPath(name: string): string {
  let p = name;
  while (p.startsWith("./")) p = p.slice(2);
  if (p.startsWith("/") || p.endsWith("/")) p = p.replace(/^\/+/, "").replace(/\/+$/, "");
  return p === "." ? "" : p;
}

/**
 * The entry's name from the header fields: POSIX ustar ("ustar\0") has a prefix field; GNU
 * ("ustar  ") uses those bytes for other things. Long names (GNU L, pax path) come from records.
 */
export function headerName(h: Buffer): string {
  const name = field(h, 0, 100);
  if (h[257] === 0x75 && h[262] === 0 && h[345] !== 0) return `${field(h, 345, 155)}/${name}`;
  return name;
}

export function entryType(flag: number, name: string): EntryType {
  switch (flag) {
    case 0:
    case 0x30: // '0'
    case 0x37: // '7' contiguous
      return name.endsWith("/") ? "dir" : "file";
    case 0x35: // '5'
      return "dir";
    case 0x32: // '2'
      return "symlink";
    case 0x31: // '1'
      return "link";
    default:
      return "other";
  }
}
