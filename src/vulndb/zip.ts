/**
 * A small reader for ZIP archives such as osv.dev's per-ecosystem `all.zip`: reads the central
 * directory (ZIP64 included), then each entry's data with random-access reads, inflating
 * deflated entries with node:zlib and checking their CRC-32. A truncated or corrupt archive is
 * a ZipError naming the file and what is wrong. Not for: writing archives or encryption.
 */
import { closeSync, fstatSync, openSync, readSync } from "node:fs";
import { crc32, inflateRawSync } from "node:zlib";

export class ZipError extends Error {
  override readonly name = "ZipError";
}

export interface ZipEntry {
  name: string;
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  localOffset: number;
}

const EOCD = 0x06054b50;
const EOCD64_LOCATOR = 0x07064b50;
const EOCD64 = 0x06064b50;
const CENTRAL = 0x02014b50;
const LOCAL = 0x04034b50;

export class ZipReader {
  private constructor(
    private readonly fd: number,
    readonly file: string,
    private readonly fileSize: number,
    readonly entries: ZipEntry[],
  ) {}

  static open(file: string): ZipReader {
    const fd = openSync(file, "r");
    try {
      const size = fstatSync(fd).size;
      return new ZipReader(fd, file, size, readCentralDirectory(fd, file, size));
    } catch (err) {
      closeSync(fd);
      throw err;
    }
  }

  /** The uncompressed bytes of an entry, CRC-checked. */
  read(entry: ZipEntry): Buffer {
    const header = this.readAt(entry.localOffset, 30);
    if (header.readUInt32LE(0) !== LOCAL)
      throw new ZipError(`${this.file}: entry ${entry.name}: no local header at offset ${entry.localOffset}`);
    const start = entry.localOffset + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
    if (start + entry.compressedSize > this.fileSize)
      throw new ZipError(`${this.file}: entry ${entry.name} runs past the end of the file (truncated?)`);
    const raw = this.readAt(start, entry.compressedSize);
    let data: Buffer;
    if (entry.method === 0) data = raw;
    else if (entry.method === 8) {
      try {
        data = inflateRawSync(raw);
      } catch (err) {
        throw new ZipError(`${this.file}: entry ${entry.name}: cannot inflate (${(err as Error).message})`);
      }
    } else
      throw new ZipError(
        `${this.file}: entry ${entry.name}: compression method ${entry.method} is not supported`,
      );
    if (data.length !== entry.size || crc32(data) !== entry.crc)
      throw new ZipError(
        `${this.file}: entry ${entry.name}: size or CRC-32 does not match (corrupt archive)`,
      );
    return data;
  }

  close(): void {
    closeSync(this.fd);
  }

  private readAt(pos: number, length: number): Buffer {
    const buf = Buffer.alloc(length);
    let done = 0;
    while (done < length) {
      const n = readSync(this.fd, buf, done, length - done, pos + done);
      if (n === 0) throw new ZipError(`${this.file}: unexpected end of file (truncated archive)`);
      done += n;
    }
    return buf;
  }
}

function readAt(fd: number, pos: number, length: number): Buffer {
  const buf = Buffer.alloc(length);
  const n = readSync(fd, buf, 0, length, pos);
  return buf.subarray(0, n);
}

function readCentralDirectory(fd: number, file: string, size: number): ZipEntry[] {
  if (size < 22) throw new ZipError(`${file}: too short to be a ZIP archive (${size} bytes)`);
  const tailLen = Math.min(size, 22 + 0xffff);
  const tail = readAt(fd, size - tailLen, tailLen);
  let at = -1;
  for (let i = tail.length - 22; i >= 0; i--)
    if (tail.readUInt32LE(i) === EOCD) {
      at = i;
      break;
    }
  if (at < 0)
    throw new ZipError(`${file}: no ZIP end-of-central-directory record (truncated or not a ZIP archive)`);
  let count = tail.readUInt16LE(at + 10);
  let cdSize = tail.readUInt32LE(at + 12);
  let cdOffset = tail.readUInt32LE(at + 16);
  if ((count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) && at >= 20) {
    const loc = at - 20;
    if (tail.readUInt32LE(loc) === EOCD64_LOCATOR) {
      const eocd64Pos = Number(tail.readBigUInt64LE(loc + 8));
      const e = readAt(fd, eocd64Pos, 56);
      if (e.length < 56 || e.readUInt32LE(0) !== EOCD64) throw new ZipError(`${file}: bad ZIP64 end record`);
      count = Number(e.readBigUInt64LE(32));
      cdSize = Number(e.readBigUInt64LE(40));
      cdOffset = Number(e.readBigUInt64LE(48));
    }
  }
  if (cdOffset + cdSize > size)
    throw new ZipError(`${file}: the central directory lies past the end of the file (truncated archive)`);
  const cd = readAt(fd, cdOffset, cdSize);
  const entries: ZipEntry[] = [];
  let p = 0;
  for (let i = 0; i < count; i++) {
    if (p + 46 > cd.length || cd.readUInt32LE(p) !== CENTRAL)
      throw new ZipError(`${file}: central directory entry ${i + 1} of ${count} is damaged`);
    const nameLen = cd.readUInt16LE(p + 28);
    const extraLen = cd.readUInt16LE(p + 30);
    const commentLen = cd.readUInt16LE(p + 32);
    const entry: ZipEntry = {
      method: cd.readUInt16LE(p + 10),
      crc: cd.readUInt32LE(p + 16),
      compressedSize: cd.readUInt32LE(p + 20),
      size: cd.readUInt32LE(p + 24),
      localOffset: cd.readUInt32LE(p + 42),
      name: cd.toString("utf8", p + 46, p + 46 + nameLen),
    };
    // ZIP64 extended information: the fields that are 0xffffffff above, in this order.
    let x = p + 46 + nameLen;
    const xEnd = x + extraLen;
    while (x + 4 <= xEnd) {
      const id = cd.readUInt16LE(x);
      const len = cd.readUInt16LE(x + 2);
      if (id === 0x0001) {
        let q = x + 4;
        if (entry.size === 0xffffffff) {
          entry.size = Number(cd.readBigUInt64LE(q));
          q += 8;
        }
        if (entry.compressedSize === 0xffffffff) {
          entry.compressedSize = Number(cd.readBigUInt64LE(q));
          q += 8;
        }
        if (entry.localOffset === 0xffffffff) entry.localOffset = Number(cd.readBigUInt64LE(q));
      }
      x += 4 + len;
    }
    entries.push(entry);
    p = xEnd + commentLen;
  }
  return entries;
}
