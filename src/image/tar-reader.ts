/**
 * A lean streaming tar reader for layer walks. It parses the 512-byte headers itself (ustar
 * prefixes, GNU long names and links, pax `path`/`linkpath`/`size` records, local and global, GNU
 * base-256 sizes), checks each header's checksum, and for every entry asks the caller for a sink:
 * entries nobody wants are skipped by counting bytes (no stream, no copy, no event per chunk),
 * wanted ones get zero-copy slices of the decompressed chunks, with backpressure when the sink
 * returns a promise. This replaces tar-stream in the hot path, where its per-entry streams cost
 * more main-thread time than the gunzip itself.
 */
import {
  BLOCK,
  checksumOk,
  entryType,
  field,
  headerName,
  isZeroBlock,
  normalizeEntryPath,
  numeric,
  parsePaxRecords,
} from "./tar-header.js";
import type { EntryInfo } from "./types.js";

export { normalizeEntryPath, parsePaxRecords };

/** Where a wanted entry's data goes. `write` may return a promise to apply backpressure. */
export interface EntrySink {
  write(chunk: Buffer): void | Promise<void>;
  /** All data written; resolves when the consumers are done with the entry. */
  end(): void | Promise<void>;
  /** The data cannot be read to the end (e.g. an I/O error on a directory source). */
  fail?(err: Error): void;
  /** True once no consumer wants more data (the rest of the entry is skipped). */
  readonly closed?: boolean;
}

export interface TarCounters {
  entries: number;
  uncompressedBytes: number;
}

export class TarFormatError extends Error {
  override readonly name = "TarFormatError";
}

/**
 * Read one tar stream (already decompressed), calling `onEntry` for each entry in order. The
 * returned sink (if any) gets the entry's data; the next header is not parsed before its `end()`
 * settles, so consumers see entries strictly in archive order.
 */
export async function readTar(
  source: AsyncIterable<Buffer>,
  onEntry: (info: EntryInfo) => EntrySink | undefined | Promise<EntrySink | undefined>,
  counters: TarCounters = { entries: 0, uncompressedBytes: 0 },
): Promise<void> {
  // A header (or the tail of one) that straddles two chunks.
  const carry = Buffer.alloc(BLOCK);
  let carried = 0;
  /** Data bytes left in the current entry, then padding to the next block. */
  let remaining = 0;
  let padding = 0;
  let sink: EntrySink | undefined;
  /** Collecting a pax or GNU long-name record. */
  let meta: { kind: number; parts: Buffer[] } | undefined;
  let pax: Record<string, string> | undefined;
  let globalPax: Record<string, string> | undefined;
  let longName: string | undefined;
  let longLink: string | undefined;
  let offset = 0; // stream offset of the block being parsed, for messages
  let finished = false;
  let zeroBlocks = 0;

  const finishMeta = () => {
    if (!meta) return;
    const data = meta.parts.length === 1 ? meta.parts[0] : Buffer.concat(meta.parts);
    if (meta.kind === 0x4c /* L */) longName = field(data, 0, data.length);
    else if (meta.kind === 0x4b /* K */) longLink = field(data, 0, data.length);
    else if (meta.kind === 0x78 /* x */) pax = { ...pax, ...parsePaxRecords(data) };
    else if (meta.kind === 0x67 /* g */) globalPax = { ...globalPax, ...parsePaxRecords(data) };
    meta = undefined;
  };

  /** Parse one header block; returns the sink's end() promise for zero-size entries. */
  const header = (h: Buffer): void | Promise<void> => {
    if (isZeroBlock(h)) {
      // Two zero blocks end the archive (whatever follows is ignored); a lone one is skipped.
      if (++zeroBlocks >= 2) finished = true;
      return;
    }
    zeroBlocks = 0;
    if (!checksumOk(h)) throw new TarFormatError(`invalid tar header checksum at byte ${offset}`);
    let size = numeric(h, 124, 12);
    if (!Number.isFinite(size) || size < 0) throw new TarFormatError(`invalid entry size at byte ${offset}`);
    const flag = h[156];
    if (flag === 0x4c || flag === 0x4b || flag === 0x78 || flag === 0x67) {
      if (size > 1 << 20)
        throw new TarFormatError(`oversized extended header (${size} bytes) at byte ${offset}`);
      meta = { kind: flag, parts: [] };
      remaining = size;
      padding = (BLOCK - (size % BLOCK)) % BLOCK;
      if (size === 0) finishMeta();
      return;
    }
    const attrs = globalPax && pax ? { ...globalPax, ...pax } : (pax ?? globalPax);
    let name: string;
    if (attrs?.path !== undefined) name = attrs.path;
    else if (longName !== undefined) name = longName;
    else name = headerName(h);
    if (attrs?.size !== undefined) {
      const s = Number(attrs.size);
      if (Number.isSafeInteger(s) && s >= 0) size = s;
    }
    const linkname = attrs?.linkpath ?? longLink ?? (h[157] !== 0 ? field(h, 157, 100) : undefined);
    pax = undefined;
    longName = undefined;
    longLink = undefined;
    const type = entryType(flag, name);
    // Hard links, symlinks and directories carry no data even if a size is written.
    if (type === "link" || type === "symlink" || type === "dir") size = 0;
    counters.entries++;
    counters.uncompressedBytes += size;
    const info: EntryInfo = {
      path: normalizeEntryPath(name),
      type,
      size,
      mode: numeric(h, 100, 8) || 0,
      linkname,
    };
    remaining = size;
    padding = (BLOCK - (size % BLOCK)) % BLOCK;
    const got = onEntry(info);
    if (got instanceof Promise) {
      return got.then((s) => {
        sink = s;
        if (s && size === 0) {
          sink = undefined;
          return s.end();
        }
      });
    }
    sink = got;
    if (sink && size === 0) {
      const s = sink;
      sink = undefined;
      return s.end();
    }
  };

  try {
    await pump();
  } catch (err) {
    // Let a reader waiting for this entry's data see the failure rather than wait forever.
    sink?.fail?.(err as Error);
    throw err;
  }

  async function pump(): Promise<void> {
    for await (const chunk of source) {
      let pos = 0;
      const len = chunk.length;
      while (pos < len) {
        if (finished) {
          pos = len;
          break;
        }
        if (remaining > 0) {
          const n = Math.min(remaining, len - pos);
          if (sink) {
            if (!sink.closed) {
              const w = sink.write(n === len ? chunk : chunk.subarray(pos, pos + n));
              if (w) await w;
            }
          } else if (meta) meta.parts.push(chunk.subarray(pos, pos + n));
          pos += n;
          offset += n;
          remaining -= n;
          if (remaining === 0) {
            if (sink) {
              const s = sink;
              sink = undefined;
              const e = s.end();
              if (e) await e;
            } else finishMeta();
          }
          continue;
        }
        if (padding > 0) {
          const n = Math.min(padding, len - pos);
          pos += n;
          offset += n;
          padding -= n;
          continue;
        }
        // A header block.
        let h: Buffer;
        if (carried === 0 && len - pos >= BLOCK) {
          h = chunk.subarray(pos, pos + BLOCK);
          pos += BLOCK;
        } else {
          const n = Math.min(BLOCK - carried, len - pos);
          chunk.copy(carry, carried, pos, pos + n);
          carried += n;
          pos += n;
          if (carried < BLOCK) continue;
          carried = 0;
          h = carry;
        }
        const e = header(h);
        offset += BLOCK;
        if (e) await e;
      }
    }
    if (!finished && (remaining > 0 || carried > 0 || meta || sink)) {
      throw new TarFormatError(`unexpected end of tar data at byte ${offset} (truncated layer?)`);
    }
  }
}
