/**
 * A minimal, read-only reader of the SQLite 3 database file format, for catalogers that must read
 * a table out of a database held in memory (the rpm sqlite database) without a native driver.
 * It reads the 100-byte header, finds a table's root page in sqlite_schema (page 1), walks the
 * table b-tree (interior 0x05 and leaf 0x0d pages), follows overflow chains and decodes records
 * (NULL, integers, floats, text in the database encoding, blobs).
 *
 * It is not a query engine: no indexes, no SQL, no WITHOUT ROWID tables (index b-trees), and it
 * never reads a `-wal` file, so it sees the database as of the last checkpoint. Every malformed
 * structure (bad magic, truncated file, page numbers out of range, cycles, cells that overrun
 * their page) gives a SqliteFormatError with a code, never an exception from a bad index.
 * Layout and formulas: https://www.sqlite.org/fileformat2.html.
 */

export type SqliteErrorCode =
  | "not-sqlite"
  | "truncated"
  | "corrupt"
  | "unsupported"
  | "no-such-table"
  | "wal-only";

export class SqliteFormatError extends Error {
  override readonly name = "SqliteFormatError";
  constructor(
    readonly code: SqliteErrorCode,
    message: string,
    /** Page number (1-based) where the problem was seen, when there is one. */
    readonly page?: number,
  ) {
    super(page !== undefined ? `${message} (page ${page})` : message);
  }
}

export type SqlValue = null | number | bigint | string | Buffer;

export interface SqliteRow {
  /** The 64-bit rowid (the INTEGER PRIMARY KEY column, whose stored value is NULL). */
  rowid: number | bigint;
  values: SqlValue[];
}

export interface SqliteHeader {
  pageSize: number;
  /** Page size minus the reserved bytes at the end of each page. */
  usableSize: number;
  reservedBytes: number;
  /** 1 = legacy rollback journal, 2 = WAL. */
  writeVersion: number;
  readVersion: number;
  /** 1 UTF-8, 2 UTF-16le, 3 UTF-16be (0 in a database with no text yet: treated as UTF-8). */
  textEncoding: number;
  /** Pages in the file (from the header when valid, else from the file size). */
  pageCount: number;
  schemaFormat: number;
}

export interface SchemaEntry {
  type: string;
  name: string;
  tableName: string;
  rootPage: number;
  sql: string;
}

const MAGIC = Buffer.from("SQLite format 3\0", "latin1");
const PAGE_TABLE_INTERIOR = 0x05;
const PAGE_TABLE_LEAF = 0x0d;
const PAGE_INDEX_INTERIOR = 0x02;
const PAGE_INDEX_LEAF = 0x0a;
/** A b-tree deeper than this is a cycle or garbage (real ones rarely exceed 5). */
const MAX_DEPTH = 40;

export function isSqliteFile(buf: Buffer): boolean {
  return buf.length >= 16 && buf.subarray(0, 16).equals(MAGIC);
}

export function readSqliteHeader(buf: Buffer): SqliteHeader {
  if (!isSqliteFile(buf)) throw new SqliteFormatError("not-sqlite", "not an SQLite 3 database (bad magic)");
  if (buf.length < 100) throw new SqliteFormatError("truncated", "file ends inside the 100-byte header");
  const raw = buf.readUInt16BE(16);
  const pageSize = raw === 1 ? 65536 : raw;
  if (pageSize < 512 || pageSize > 65536 || (pageSize & (pageSize - 1)) !== 0)
    throw new SqliteFormatError("corrupt", `invalid page size ${raw} in the header`);
  const writeVersion = buf[18];
  const readVersion = buf[19];
  if (readVersion > 2)
    throw new SqliteFormatError(
      "unsupported",
      `file format read version ${readVersion} (only 1 and 2 exist)`,
    );
  const reservedBytes = buf[20];
  const usableSize = pageSize - reservedBytes;
  if (usableSize < 480) throw new SqliteFormatError("corrupt", `usable page size ${usableSize} below 480`);
  if (buf[21] !== 64 || buf[22] !== 32 || buf[23] !== 32)
    throw new SqliteFormatError("corrupt", "payload fractions in the header are not 64/32/32");
  const changeCounter = buf.readUInt32BE(24);
  const headerPages = buf.readUInt32BE(28);
  const validFor = buf.readUInt32BE(92);
  const filePages = Math.floor(buf.length / pageSize);
  let pageCount = filePages;
  if (headerPages !== 0 && changeCounter === validFor) {
    if (headerPages > filePages)
      throw new SqliteFormatError(
        "truncated",
        `header says ${headerPages} pages of ${pageSize} bytes, the file holds ${filePages} (${buf.length} bytes)`,
      );
    pageCount = headerPages;
  }
  if (pageCount < 1) throw new SqliteFormatError("truncated", "file ends inside page 1");
  const textEncoding = buf.readUInt32BE(56);
  if (textEncoding > 3) throw new SqliteFormatError("corrupt", `unknown text encoding ${textEncoding}`);
  const schemaFormat = buf.readUInt32BE(44);
  if (schemaFormat > 4) throw new SqliteFormatError("unsupported", `schema format ${schemaFormat}`);
  return {
    pageSize,
    usableSize,
    reservedBytes,
    writeVersion,
    readVersion,
    textEncoding,
    pageCount,
    schemaFormat,
  };
}

/** A cursor over a byte range that refuses to read past its end. */
class Cursor {
  constructor(
    readonly buf: Buffer,
    public pos: number,
    readonly end: number,
    readonly page: number,
  ) {}

  private need(n: number, what: string): void {
    if (this.pos + n > this.end)
      throw new SqliteFormatError("corrupt", `${what} runs past its page`, this.page);
  }

  u8(what: string): number {
    this.need(1, what);
    return this.buf[this.pos++];
  }

  u16(what: string): number {
    this.need(2, what);
    const v = this.buf.readUInt16BE(this.pos);
    this.pos += 2;
    return v;
  }

  u32(what: string): number {
    this.need(4, what);
    const v = this.buf.readUInt32BE(this.pos);
    this.pos += 4;
    return v;
  }

  /** SQLite varint: 1–9 bytes, big-endian, 7 bits per byte, the 9th byte gives all 8. */
  varint(what: string): number | bigint {
    let v = 0;
    for (let i = 0; i < 8; i++) {
      const b = this.u8(what);
      if (i < 7) {
        v = v * 128 + (b & 0x7f);
        if ((b & 0x80) === 0) return v;
        continue;
      }
      // Eighth byte: past 49 bits, continue in bigint.
      let big = BigInt(v) * 128n + BigInt(b & 0x7f);
      if ((b & 0x80) === 0) return big;
      big = (big << 8n) | BigInt(this.u8(what));
      return BigInt.asIntN(64, big);
    }
    /* c8 ignore next */
    throw new SqliteFormatError("corrupt", `bad varint in ${what}`, this.page);
  }

  /** A varint that must be a non-negative safe integer (sizes, counts). */
  size(what: string): number {
    const v = this.varint(what);
    if (typeof v === "number") return v;
    if (v < 0n || v > BigInt(Number.MAX_SAFE_INTEGER))
      throw new SqliteFormatError("corrupt", `${what} is out of range`, this.page);
    return Number(v);
  }
}

function normalizeRowid(v: number | bigint): number | bigint {
  if (typeof v === "number") return v;
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

export class SqliteDatabase {
  readonly header: SqliteHeader;
  private readonly decoder: (b: Buffer) => string;
  private schemaCache?: SchemaEntry[];

  constructor(readonly buf: Buffer) {
    this.header = readSqliteHeader(buf);
    const enc = this.header.textEncoding;
    if (enc === 2) this.decoder = (b) => b.toString("utf16le");
    else if (enc === 3) this.decoder = (b) => Buffer.from(b).swap16().toString("utf16le");
    else this.decoder = (b) => b.toString("utf8");
  }

  /** The bytes of a page (page 1 includes the file header). */
  private page(n: number, from?: number): Buffer {
    if (!Number.isInteger(n) || n < 1 || n > this.header.pageCount)
      throw new SqliteFormatError(
        "corrupt",
        `page number ${n} out of range 1..${this.header.pageCount}${from ? ` (referenced from page ${from})` : ""}`,
      );
    const start = (n - 1) * this.header.pageSize;
    return this.buf.subarray(start, start + this.header.pageSize);
  }

  /** The entries of sqlite_schema (tables, indexes, views, triggers). */
  schema(): SchemaEntry[] {
    if (this.schemaCache) return this.schemaCache;
    const out: SchemaEntry[] = [];
    for (const row of this.rowsFromRoot(1)) {
      const [type, name, tableName, rootPage, sql] = row.values;
      out.push({
        type: typeof type === "string" ? type : "",
        name: typeof name === "string" ? name : "",
        tableName: typeof tableName === "string" ? tableName : "",
        rootPage: typeof rootPage === "number" ? rootPage : 0,
        sql: typeof sql === "string" ? sql : "",
      });
    }
    this.schemaCache = out;
    return out;
  }

  /** Every row of table `name` (case-insensitive), in rowid order. */
  *rows(name: string): Generator<SqliteRow> {
    const lower = name.toLowerCase();
    const entry = this.schema().find((e) => e.type === "table" && e.name.toLowerCase() === lower);
    if (!entry) {
      if (this.header.readVersion === 2 || this.header.writeVersion === 2)
        throw new SqliteFormatError(
          "wal-only",
          `no table "${name}" in the database file; it is in WAL mode, so the table may exist only in the -wal file, which is not read`,
        );
      throw new SqliteFormatError("no-such-table", `no table "${name}" in the database`);
    }
    if (/\bwithout\s+rowid\b/i.test(entry.sql))
      throw new SqliteFormatError("unsupported", `table "${name}" is a WITHOUT ROWID table`);
    if (entry.rootPage < 1)
      throw new SqliteFormatError("corrupt", `table "${name}" has invalid root page ${entry.rootPage}`);
    yield* this.rowsFromRoot(entry.rootPage);
  }

  /** Depth-first walk of a table b-tree, left to right (rowid order). */
  private *rowsFromRoot(root: number): Generator<SqliteRow> {
    const visited = new Set<number>();
    const walk = function* (
      this: SqliteDatabase,
      pageNo: number,
      depth: number,
      from?: number,
    ): Generator<SqliteRow> {
      if (depth > MAX_DEPTH) throw new SqliteFormatError("corrupt", "b-tree deeper than 40 levels", pageNo);
      if (visited.has(pageNo))
        throw new SqliteFormatError("corrupt", "b-tree page reached twice (cycle)", pageNo);
      visited.add(pageNo);
      const page = this.page(pageNo, from);
      const hdr = pageNo === 1 ? 100 : 0;
      const usable = this.header.usableSize;
      const c = new Cursor(page, hdr, usable, pageNo);
      const kind = c.u8("page type");
      c.u16("first freeblock");
      const cells = c.u16("cell count");
      c.u16("cell content start");
      c.u8("fragmented bytes");
      if (kind === PAGE_INDEX_INTERIOR || kind === PAGE_INDEX_LEAF)
        throw new SqliteFormatError("unsupported", "index b-tree where a table b-tree was expected", pageNo);
      if (kind !== PAGE_TABLE_INTERIOR && kind !== PAGE_TABLE_LEAF)
        throw new SqliteFormatError(
          "corrupt",
          `not a b-tree page (type byte 0x${kind.toString(16)})`,
          pageNo,
        );
      const interior = kind === PAGE_TABLE_INTERIOR;
      const rightMost = interior ? c.u32("right-most pointer") : 0;
      const pointers: number[] = [];
      for (let i = 0; i < cells; i++) {
        const off = c.u16("cell pointer array");
        if (off < c.pos || off >= usable)
          throw new SqliteFormatError("corrupt", `cell ${i} offset ${off} outside the cell area`, pageNo);
        pointers.push(off);
      }
      for (const off of pointers) {
        const cell = new Cursor(page, off, usable, pageNo);
        if (interior) {
          const child = cell.u32("left child pointer");
          cell.varint("interior key");
          yield* walk.call(this, child, depth + 1, pageNo);
        } else {
          yield this.leafCell(cell);
        }
      }
      if (interior) yield* walk.call(this, rightMost, depth + 1, pageNo);
    };
    yield* walk.call(this, root, 0);
  }

  private leafCell(cell: Cursor): SqliteRow {
    const payloadSize = cell.size("payload size");
    const rowid = normalizeRowid(cell.varint("rowid"));
    const payload = this.payload(cell, payloadSize);
    return { rowid, values: this.record(payload, cell.page) };
  }

  /**
   * The payload of a table leaf cell: the local part, then the overflow chain. With U the usable
   * size and P the payload size: X = U-35 bytes stay local when P <= X; otherwise
   * M = ((U-12)*32/255)-23 and K = M+((P-M) % (U-4)); K bytes are local when K <= X, else M.
   */
  private payload(cell: Cursor, p: number): Buffer {
    const u = this.header.usableSize;
    const x = u - 35;
    if (p <= x) {
      if (cell.pos + p > cell.end)
        throw new SqliteFormatError("corrupt", `cell payload of ${p} bytes runs past its page`, cell.page);
      return cell.buf.subarray(cell.pos, cell.pos + p);
    }
    // A payload can not be larger than every page of the file put together.
    if (p > this.header.pageCount * u)
      throw new SqliteFormatError("corrupt", `payload size ${p} larger than the database`, cell.page);
    const m = Math.floor(((u - 12) * 32) / 255) - 23;
    const k = m + ((p - m) % (u - 4));
    const local = k <= x ? k : m;
    if (cell.pos + local + 4 > cell.end)
      throw new SqliteFormatError("corrupt", "cell with overflow runs past its page", cell.page);
    const out = Buffer.allocUnsafe(p);
    cell.buf.copy(out, 0, cell.pos, cell.pos + local);
    let filled = local;
    let next = cell.buf.readUInt32BE(cell.pos + local);
    let from = cell.page;
    let hops = 0;
    while (filled < p) {
      if (next === 0)
        throw new SqliteFormatError(
          "corrupt",
          `overflow chain ends after ${filled} of ${p} payload bytes`,
          cell.page,
        );
      if (++hops > this.header.pageCount)
        throw new SqliteFormatError("corrupt", "overflow chain longer than the file (cycle)", cell.page);
      const page = this.page(next, from);
      const take = Math.min(u - 4, p - filled);
      page.copy(out, filled, 4, 4 + take);
      filled += take;
      from = next;
      next = page.readUInt32BE(0);
    }
    return out;
  }

  /** Decode a record: header size, serial types, then the values. */
  private record(payload: Buffer, pageNo: number): SqlValue[] {
    const h = new Cursor(payload, 0, payload.length, pageNo);
    const headerSize = h.size("record header size");
    if (headerSize > payload.length || headerSize < 1)
      throw new SqliteFormatError("corrupt", `record header size ${headerSize} out of range`, pageNo);
    const types: number[] = [];
    const hc = new Cursor(payload, h.pos, headerSize, pageNo);
    while (hc.pos < headerSize) types.push(hc.size("record serial type"));
    let pos = headerSize;
    const values: SqlValue[] = [];
    const need = (n: number) => {
      if (pos + n > payload.length)
        throw new SqliteFormatError("corrupt", "record body shorter than its header says", pageNo);
    };
    for (const t of types) {
      switch (t) {
        case 0:
          values.push(null);
          break;
        case 1:
          need(1);
          values.push(payload.readInt8(pos));
          pos += 1;
          break;
        case 2:
          need(2);
          values.push(payload.readInt16BE(pos));
          pos += 2;
          break;
        case 3:
          need(3);
          values.push(payload.readIntBE(pos, 3));
          pos += 3;
          break;
        case 4:
          need(4);
          values.push(payload.readInt32BE(pos));
          pos += 4;
          break;
        case 5:
          need(6);
          values.push(payload.readIntBE(pos, 6));
          pos += 6;
          break;
        case 6: {
          need(8);
          values.push(normalizeRowid(payload.readBigInt64BE(pos)));
          pos += 8;
          break;
        }
        case 7:
          need(8);
          values.push(payload.readDoubleBE(pos));
          pos += 8;
          break;
        case 8:
          values.push(0);
          break;
        case 9:
          values.push(1);
          break;
        case 10:
        case 11:
          throw new SqliteFormatError("corrupt", `reserved serial type ${t} in a record`, pageNo);
        default: {
          const n = (t - (t % 2 === 0 ? 12 : 13)) / 2;
          need(n);
          const bytes = payload.subarray(pos, pos + n);
          values.push(t % 2 === 0 ? bytes : this.decoder(bytes));
          pos += n;
        }
      }
    }
    return values;
  }
}

/** Open a database held in memory (the whole file). Throws SqliteFormatError. */
export function openSqlite(buf: Buffer): SqliteDatabase {
  return new SqliteDatabase(buf);
}

export interface WalSummary {
  pageSize: number;
  /** Valid frames up to and including the last commit frame (0: nothing committed). */
  committedFrames: number;
  /** Distinct database pages those frames carry. */
  pages: number;
}

/**
 * Inspect a `-wal` file: how many frames hold committed transactions (valid salts and running
 * checksums, up to the last commit frame). The frames are not applied: a caller that finds
 * committed frames knows the main file alone may be out of date.
 */
export function summarizeWal(buf: Buffer): WalSummary {
  if (buf.length === 0) return { pageSize: 0, committedFrames: 0, pages: 0 };
  if (buf.length < 32) throw new SqliteFormatError("truncated", "WAL file ends inside its 32-byte header");
  const magic = buf.readUInt32BE(0);
  if (magic !== 0x377f0682 && magic !== 0x377f0683)
    throw new SqliteFormatError("not-sqlite", "not an SQLite WAL file (bad magic)");
  const bigEndian = (magic & 1) === 1;
  const pageSize = buf.readUInt32BE(8) === 1 ? 65536 : buf.readUInt32BE(8);
  if (pageSize < 512 || pageSize > 65536 || (pageSize & (pageSize - 1)) !== 0)
    throw new SqliteFormatError("corrupt", `invalid WAL page size ${pageSize}`);
  const salt1 = buf.readUInt32BE(16);
  const salt2 = buf.readUInt32BE(20);
  let s0 = 0;
  let s1 = 0;
  const sum = (from: number, to: number) => {
    for (let i = from; i < to; i += 8) {
      const a = bigEndian ? buf.readUInt32BE(i) : buf.readUInt32LE(i);
      const b = bigEndian ? buf.readUInt32BE(i + 4) : buf.readUInt32LE(i + 4);
      s0 = (s0 + a + s1) >>> 0;
      s1 = (s1 + b + s0) >>> 0;
    }
  };
  sum(0, 24);
  if (s0 !== buf.readUInt32BE(24) || s1 !== buf.readUInt32BE(28))
    return { pageSize, committedFrames: 0, pages: 0 }; // header checksum fails: the WAL is ignored
  let committedFrames = 0;
  const pages = new Set<number>();
  const pending: number[] = [];
  let committedPages = 0;
  for (let at = 32, n = 1; at + 24 + pageSize <= buf.length; at += 24 + pageSize, n++) {
    if (buf.readUInt32BE(at + 8) !== salt1 || buf.readUInt32BE(at + 12) !== salt2) break;
    sum(at, at + 8);
    sum(at + 24, at + 24 + pageSize);
    if (s0 !== buf.readUInt32BE(at + 16) || s1 !== buf.readUInt32BE(at + 20)) break;
    pending.push(buf.readUInt32BE(at));
    if (buf.readUInt32BE(at + 4) !== 0) {
      for (const p of pending.splice(0)) pages.add(p);
      committedFrames = n;
      committedPages = pages.size;
    }
  }
  return { pageSize, committedFrames, pages: committedPages };
}
