/**
 * The rpm header blob: how rpm stores one installed package's metadata in its database (the
 * `blob` column of the sqlite `Packages` table; the same bytes sit inside BerkeleyDB and NDB
 * records). Layout, all big-endian: index entry count (int32), data length (int32), that many
 * 16-byte index entries (tag, type, offset into the data store, count), then the data store.
 * There is no 8-byte header magic in the database form (that is only in .rpm files).
 *
 * This module decodes the entries and reads the few tags a cataloger needs. Every offset and
 * count is checked against the data store before use: a bad blob gives an RpmHeaderError, never
 * an out-of-bounds read. It is not a general header library (no signatures, no file lists).
 */

export class RpmHeaderError extends Error {
  override readonly name = "RpmHeaderError";
  readonly code = "bad-header";
}

/** rpm tag data types (rpmtypes.h). */
export const RpmType = {
  NULL: 0,
  CHAR: 1,
  INT8: 2,
  INT16: 3,
  INT32: 4,
  INT64: 5,
  STRING: 6,
  BIN: 7,
  STRING_ARRAY: 8,
  I18NSTRING: 9,
} as const;

/** The tags read here (rpmtag.h). */
export const RpmTag = {
  NAME: 1000,
  VERSION: 1001,
  RELEASE: 1002,
  EPOCH: 1003,
  SUMMARY: 1004,
  SIZE: 1009,
  VENDOR: 1011,
  LICENSE: 1014,
  PACKAGER: 1015,
  URL: 1020,
  OS: 1021,
  ARCH: 1022,
  SOURCERPM: 1044,
  LONGSIZE: 5009,
  MODULARITYLABEL: 5096,
} as const;

export type RpmValue = string | string[] | number[] | bigint[] | Buffer;

export interface RpmHeaderEntry {
  tag: number;
  type: number;
  offset: number;
  count: number;
}

/** rpm refuses headers with more tags or data than this (header_internal.h). */
const MAX_TAGS = 0xffff;
const MAX_DATA = 256 << 20;
const ALIGN: Record<number, number> = { 3: 2, 4: 4, 5: 8 };
const SIZE: Record<number, number> = { 1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 7: 1 };

export class RpmHeader {
  readonly entries: RpmHeaderEntry[];
  /** The last entry for each tag (entries added after the immutable region override it). */
  private readonly byTag = new Map<number, RpmHeaderEntry>();
  private readonly data: Buffer;

  constructor(blob: Buffer) {
    if (blob.length < 8) throw new RpmHeaderError(`header blob of ${blob.length} bytes is shorter than 8`);
    const il = blob.readInt32BE(0);
    const dl = blob.readInt32BE(4);
    if (il < 1 || il > MAX_TAGS)
      throw new RpmHeaderError(`header index count ${il} out of range 1..${MAX_TAGS}`);
    if (dl < 0 || dl > MAX_DATA)
      throw new RpmHeaderError(`header data length ${dl} out of range 0..${MAX_DATA}`);
    const dataStart = 8 + il * 16;
    if (dataStart + dl > blob.length)
      throw new RpmHeaderError(
        `header says ${il} index entries and ${dl} data bytes (${dataStart + dl} bytes) but the blob has ${blob.length}`,
      );
    this.data = blob.subarray(dataStart, dataStart + dl);
    this.entries = [];
    for (let i = 0; i < il; i++) {
      const at = 8 + i * 16;
      const e: RpmHeaderEntry = {
        tag: blob.readUInt32BE(at),
        type: blob.readUInt32BE(at + 4),
        offset: blob.readInt32BE(at + 8),
        count: blob.readUInt32BE(at + 12),
      };
      if (e.type > RpmType.I18NSTRING) throw new RpmHeaderError(`tag ${e.tag}: unknown data type ${e.type}`);
      if (e.offset < 0 || e.offset > dl)
        throw new RpmHeaderError(`tag ${e.tag}: data offset ${e.offset} outside the ${dl}-byte data store`);
      if (e.count > dl && e.type !== RpmType.NULL)
        throw new RpmHeaderError(`tag ${e.tag}: count ${e.count} larger than the data store`);
      const align = ALIGN[e.type];
      if (align && e.offset % align !== 0)
        throw new RpmHeaderError(`tag ${e.tag}: offset ${e.offset} not aligned for type ${e.type}`);
      this.entries.push(e);
      this.byTag.set(e.tag, e);
    }
  }

  has(tag: number): boolean {
    return this.byTag.has(tag);
  }

  /** The decoded value of a tag, or undefined when absent. Throws RpmHeaderError when malformed. */
  get(tag: number): RpmValue | undefined {
    const e = this.byTag.get(tag);
    if (!e) return undefined;
    const d = this.data;
    const fixed = SIZE[e.type];
    if (fixed !== undefined) {
      const end = e.offset + fixed * e.count;
      if (end > d.length)
        throw new RpmHeaderError(`tag ${tag}: ${e.count} values of ${fixed} bytes run past the data store`);
      if (e.type === RpmType.BIN) return d.subarray(e.offset, end);
      if (e.type === RpmType.INT64) {
        const out: bigint[] = [];
        for (let i = 0; i < e.count; i++) out.push(d.readBigUInt64BE(e.offset + 8 * i));
        return out;
      }
      const out: number[] = [];
      for (let i = 0; i < e.count; i++) {
        const at = e.offset + fixed * i;
        out.push(fixed === 1 ? d[at] : fixed === 2 ? d.readUInt16BE(at) : d.readUInt32BE(at));
      }
      return out;
    }
    if (e.type === RpmType.NULL) return [];
    // STRING (count 1), STRING_ARRAY and I18NSTRING: NUL-terminated strings one after another.
    const n = e.type === RpmType.STRING ? 1 : e.count;
    const out: string[] = [];
    let at = e.offset;
    for (let i = 0; i < n; i++) {
      const nul = d.indexOf(0, at);
      if (nul === -1) throw new RpmHeaderError(`tag ${tag}: string not terminated inside the data store`);
      out.push(d.toString("utf8", at, nul));
      at = nul + 1;
    }
    return e.type === RpmType.STRING ? out[0] : out;
  }

  /** A tag as one string: STRING, the first of STRING_ARRAY / I18NSTRING (the C locale). */
  string(tag: number): string | undefined {
    const v = this.get(tag);
    if (v === undefined) return undefined;
    if (typeof v === "string") return v;
    if (Array.isArray(v) && typeof v[0] === "string") return v[0];
    throw new RpmHeaderError(`tag ${tag}: expected a string, found type ${this.byTag.get(tag)?.type}`);
  }

  /** A tag as one integer (the first value of an INT8/16/32/64 entry). */
  number(tag: number): number | undefined {
    const v = this.get(tag);
    if (v === undefined) return undefined;
    if (Array.isArray(v) && v.length > 0) {
      const first = v[0];
      if (typeof first === "number") return first;
      if (typeof first === "bigint") return Number(first);
    }
    throw new RpmHeaderError(`tag ${tag}: expected an integer, found type ${this.byTag.get(tag)?.type}`);
  }
}

/** What a cataloger keeps of one installed rpm. */
export interface RpmPackageInfo {
  name: string;
  version: string;
  release: string;
  /** Absent when the package has no epoch (not the same as 0 for the purl). */
  epoch?: number;
  arch?: string;
  license?: string;
  sourceRpm?: string;
  vendor?: string;
  /** Installed size in bytes (LONGSIZE when present, else SIZE). */
  size?: number;
  modularityLabel?: string;
}

/** Parse a database header blob into the package facts. Throws RpmHeaderError. */
export function parseRpmHeaderBlob(blob: Buffer): RpmPackageInfo {
  const h = new RpmHeader(blob);
  const name = h.string(RpmTag.NAME);
  const version = h.string(RpmTag.VERSION);
  const release = h.string(RpmTag.RELEASE);
  if (!name) throw new RpmHeaderError("header has no NAME");
  if (version === undefined) throw new RpmHeaderError(`header of ${name} has no VERSION`);
  if (release === undefined) throw new RpmHeaderError(`header of ${name} has no RELEASE`);
  const info: RpmPackageInfo = { name, version, release };
  const epoch = h.number(RpmTag.EPOCH);
  if (epoch !== undefined) info.epoch = epoch;
  const set = (key: "arch" | "license" | "sourceRpm" | "vendor" | "modularityLabel", tag: number) => {
    const v = h.string(tag);
    if (v) info[key] = v;
  };
  set("arch", RpmTag.ARCH);
  set("license", RpmTag.LICENSE);
  set("sourceRpm", RpmTag.SOURCERPM);
  set("vendor", RpmTag.VENDOR);
  set("modularityLabel", RpmTag.MODULARITYLABEL);
  const size = h.number(RpmTag.LONGSIZE) ?? h.number(RpmTag.SIZE);
  if (size !== undefined) info.size = size;
  return info;
}
