/**
 * The single streaming pass over an image's layers (or a root directory). Each FileRequest says
 * which paths it wants; only those files are read, while every other entry is skipped as it
 * streams by. Layers are opened ahead of time (so registry downloads overlap) but applied strictly
 * bottom-up, and OCI whiteouts are applied here once for everyone: a result found in layer N is
 * dropped when a higher layer deletes the path (`.wh.name`), hides its directory (`.wh..wh..opq`),
 * replaces it, or replaces a parent directory with a non-directory. Results are the small values
 * the requests return, so memory stays bounded however large the image is. Nothing touches disk.
 */
import { createReadStream, lstatSync, readdirSync, readlinkSync } from "node:fs";
import { join } from "node:path";
import { PassThrough, pipeline, Readable, Transform } from "node:stream";
import tar from "tar-stream";
import { decompressor, peekStream, sniffCompression } from "./decompress.js";
import { type Image, ImageError, type LayerDescriptor } from "./types.js";

export type EntryType = "file" | "dir" | "symlink" | "link" | "other";

export interface EntryInfo {
  /** Relative to the image root, no leading slash: `etc/os-release`. */
  path: string;
  type: EntryType;
  size: number;
  mode: number;
  linkname?: string;
}

export interface WantedFile extends EntryInfo {
  layerIndex: number;
  layerDigest?: string;
  /** The whole content; rejects with FileTooLargeError beyond `limit` bytes (default 64 MiB). */
  readAll(limit?: number): Promise<Buffer>;
  /** The content chunk by chunk; stopping early is fine (the rest is skipped). */
  chunks(): AsyncIterable<Buffer>;
}

export class FileTooLargeError extends Error {
  override readonly name = "FileTooLargeError";
}

/** Content access over an entry stream that never destroys it (destroying a tar entry kills the tar). */
function contentOf(stream: Readable, size: number): Pick<WantedFile, "readAll" | "chunks"> {
  let used = false;
  const claim = () => {
    if (used) throw new Error("file content already read");
    used = true;
  };
  async function* chunks(): AsyncGenerator<Buffer> {
    claim();
    const queue: Buffer[] = [];
    let ended = false;
    let failure: Error | undefined;
    let wake: (() => void) | undefined;
    const onData = (c: Buffer) => {
      queue.push(c);
      stream.pause();
      wake?.();
    };
    const onEnd = () => {
      ended = true;
      wake?.();
    };
    const onError = (e: Error) => {
      failure = e;
      wake?.();
    };
    stream.on("data", onData);
    stream.on("end", onEnd);
    stream.on("error", onError);
    try {
      for (;;) {
        if (queue.length > 0) {
          yield queue.shift() as Buffer;
          continue;
        }
        if (failure) throw failure;
        if (ended) return;
        await new Promise<void>((r) => {
          wake = r;
          stream.resume();
        });
        wake = undefined;
      }
    } finally {
      stream.off("data", onData);
      stream.off("end", onEnd);
      stream.off("error", onError);
    }
  }
  return {
    chunks,
    readAll(limit = 64 << 20) {
      if (size > limit) {
        return Promise.reject(
          new FileTooLargeError(`file is ${size} bytes, more than the ${limit}-byte limit`),
        );
      }
      claim();
      // Flowing mode, no pausing: small files complete without extra event-loop turns.
      return new Promise<Buffer>((resolve, reject) => {
        const parts: Buffer[] = [];
        let total = 0;
        const cleanup = () => {
          stream.off("data", onData);
          stream.off("end", onEnd);
          stream.off("error", onError);
        };
        const onData = (c: Buffer) => {
          total += c.length;
          if (total > limit) {
            cleanup();
            reject(new FileTooLargeError(`file is larger than the ${limit}-byte limit`));
            return;
          }
          parts.push(c);
        };
        const onEnd = () => {
          cleanup();
          resolve(parts.length === 1 ? parts[0] : Buffer.concat(parts));
        };
        const onError = (e: Error) => {
          cleanup();
          reject(e);
        };
        stream.on("data", onData);
        stream.on("end", onEnd);
        stream.on("error", onError);
      });
    },
  };
}

/** What a cataloger (or the OS detector) asks of the walk. */
export interface FileRequest<T = unknown> {
  id: string;
  wants(path: string, info: EntryInfo): boolean;
  /** Read one wanted file while its layer streams; return a compact value, or undefined to keep nothing. */
  read(file: WantedFile): Promise<T | undefined>;
}

export interface Found<T = unknown> {
  requestId: string;
  path: string;
  layerIndex: number;
  layerDigest?: string;
  value: T;
}

export interface LayerProgress {
  layer: number;
  layers: number;
  digest?: string;
  /** Compressed bytes read so far in this layer, and the layer's size (-1 when unknown). */
  bytes: number;
  total: number;
  done: boolean;
}

export interface WalkOptions {
  onProgress?: (p: LayerProgress) => void;
  /** How many layers to open ahead of the one being applied (default 2). */
  prefetch?: number;
  /** Called for a file a request failed to read; the walk goes on. */
  onFileError?: (path: string, requestId: string, err: Error) => void;
}

export interface WalkStats {
  layers: number;
  entries: number;
  whiteouts: number;
  opaqueDirs: number;
  compressedBytes: number;
  uncompressedBytes: number;
}

export interface WalkResult {
  found: Found[];
  stats: WalkStats;
}

export function normalizeEntryPath(name: string): string {
  let p = name;
  while (p.startsWith("./")) p = p.slice(2);
  p = p.replace(/^\/+/, "").replace(/\/+$/, "");
  return p === "." ? "" : p;
}

function entryType(t: string | null | undefined): EntryType {
  switch (t) {
    case "file":
    case "contiguous-file":
      return "file";
    case "directory":
      return "dir";
    case "symlink":
      return "symlink";
    case "link":
      return "link";
    default:
      return "other";
  }
}

/** The results kept so far, per path, with whiteout and replacement rules. */
class LayeredResults {
  private readonly byPath = new Map<string, Found[]>();
  /** How many stored paths lie under each directory, so most entries need no subtree scan. */
  private readonly below = new Map<string, number>();

  private count(path: string, delta: number): void {
    for (let i = path.lastIndexOf("/"); i > 0; i = path.lastIndexOf("/", i - 1)) {
      const dir = path.slice(0, i);
      const n = (this.below.get(dir) ?? 0) + delta;
      if (n <= 0) this.below.delete(dir);
      else this.below.set(dir, n);
    }
  }

  put(f: Found): void {
    let list = this.byPath.get(f.path);
    if (!list) {
      list = [];
      this.byPath.set(f.path, list);
      this.count(f.path, 1);
    }
    const i = list.findIndex((x) => x.requestId === f.requestId);
    if (i >= 0) list[i] = f;
    else list.push(f);
  }

  /** A non-directory entry at `path` in `layer` replaces lower results at and under it. */
  replacedBy(path: string, layer: number): void {
    this.deleteLower(path, layer, true);
  }

  /** `.wh.name`: the path and everything under it are gone from lower layers. */
  whiteout(path: string, layer: number): void {
    this.deleteLower(path, layer, true);
  }

  /** `.wh..wh..opq`: everything under `dir` from lower layers is hidden (the dir itself stays). */
  opaque(dir: string, layer: number): void {
    this.deleteLower(dir, layer, false);
  }

  private drop(key: string, layer: number): void {
    const list = this.byPath.get(key);
    if (!list) return;
    const kept = list.filter((f) => f.layerIndex >= layer);
    if (kept.length === list.length) return;
    if (kept.length === 0) {
      this.byPath.delete(key);
      this.count(key, -1);
    } else this.byPath.set(key, kept);
  }

  private deleteLower(path: string, layer: number, includeSelf: boolean): void {
    if (this.byPath.size === 0) return;
    if (includeSelf) this.drop(path, layer);
    if (path !== "" && !this.below.has(path)) return;
    const prefix = path === "" ? "" : `${path}/`;
    for (const key of [...this.byPath.keys()]) {
      if (key.startsWith(prefix) && key !== path) this.drop(key, layer);
    }
  }

  all(): Found[] {
    return [...this.byPath.values()].flat().sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }
}

/** Drain what is left of a stream and wait for its end. */
function drain(s: Readable): Promise<void> {
  if (s.readableEnded || s.destroyed) return Promise.resolve();
  // streamx (tar-stream) entries have no readableEnded; they are destroyed once fully read.
  return new Promise((resolve) => {
    s.on("end", resolve);
    s.on("close", resolve);
    s.on("error", () => resolve());
    s.resume();
  });
}

class Dispatcher {
  constructor(
    readonly requests: FileRequest[],
    private readonly results: LayeredResults,
    private readonly opts: WalkOptions,
  ) {}

  wants(info: EntryInfo): boolean {
    return this.requests.some((r) => r.wants(info.path, info));
  }

  /** Handle one entry; resolves when the entry's content has been fully consumed. */
  async entry(info: EntryInfo, layerIndex: number, layerDigest: string | undefined, stream: Readable) {
    const slash = info.path.lastIndexOf("/");
    const base = info.path.slice(slash + 1);
    const dir = slash === -1 ? "" : info.path.slice(0, slash);
    if (base.startsWith(".wh.")) {
      if (base === ".wh..wh..opq") this.results.opaque(dir, layerIndex);
      else if (!base.startsWith(".wh..wh.")) {
        this.results.whiteout(dir === "" ? base.slice(4) : `${dir}/${base.slice(4)}`, layerIndex);
      }
      return drain(stream);
    }
    if (info.type !== "dir") this.results.replacedBy(info.path, layerIndex);
    let wanting: FileRequest[] | undefined;
    for (const r of this.requests) {
      if (r.wants(info.path, info)) (wanting ??= []).push(r);
    }
    if (!wanting) return drain(stream);
    const run = async (r: FileRequest, s: Readable) => {
      let ended = false;
      s.once("end", () => {
        ended = true;
      });
      try {
        const value = await r.read({ ...info, layerIndex, layerDigest, ...contentOf(s, info.size) });
        if (value !== undefined)
          this.results.put({ requestId: r.id, path: info.path, layerIndex, layerDigest, value });
      } catch (err) {
        this.opts.onFileError?.(info.path, r.id, err as Error);
      } finally {
        // Waiting for streamx's 'close' after 'end' would cost an event-loop turn per file.
        if (!ended) await drain(s);
      }
    };
    if (wanting.length === 1) return run(wanting[0], stream);
    // Several requests want the same file: fan the one stream out; each branch is drained when its
    // reader is done, so backpressure never stalls the others.
    const hub = new PassThrough({ highWaterMark: 1 << 20 });
    const branches = wanting.map(() => new PassThrough({ highWaterMark: 1 << 20 }));
    for (const b of branches) hub.pipe(b);
    stream.pipe(hub);
    await Promise.all(wanting.map((r, i) => run(r, branches[i])));
    await drain(stream);
  }
}

export interface WalkCounters {
  entries: number;
  uncompressedBytes: number;
}

/** Stream one layer's tar through the dispatcher. Exported for the benchmark. */
export async function walkLayerStream(
  compressed: Readable,
  onEntry: (info: EntryInfo, stream: Readable) => Promise<void>,
  counters: WalkCounters = { entries: 0, uncompressedBytes: 0 },
): Promise<void> {
  const head = await peekStream(compressed);
  if (head === null) return; // an empty blob is an empty layer
  const dec = decompressor(sniffCompression(head));
  const extract = tar.extract();
  extract.on("entry", (header, stream, next) => {
    counters.entries++;
    counters.uncompressedBytes += header.size ?? 0;
    const info: EntryInfo = {
      path: normalizeEntryPath(header.name),
      type: entryType(header.type),
      size: header.size ?? 0,
      mode: header.mode ?? 0,
      linkname: header.linkname ?? undefined,
    };
    onEntry(info, stream as unknown as Readable).then(
      () => next(),
      (err: Error) => next(err),
    );
  });
  await new Promise<void>((resolve, reject) => {
    const cb = (err: NodeJS.ErrnoException | null | undefined) => (err ? reject(err) : resolve());
    if (dec) pipeline(compressed, dec, extract, cb);
    else pipeline(compressed, extract, cb);
  });
}

async function walkDirectory(root: string, dispatcher: Dispatcher, stats: WalkStats): Promise<void> {
  const stack: string[] = [""];
  while (stack.length > 0) {
    const rel = stack.pop() as string;
    let names: string[];
    try {
      names = readdirSync(join(root, rel));
    } catch {
      continue;
    }
    names.sort();
    for (const name of names) {
      const path = rel === "" ? name : `${rel}/${name}`;
      if (rel === "" && (name === "proc" || name === "sys" || name === "dev")) continue;
      let st: ReturnType<typeof lstatSync>;
      try {
        st = lstatSync(join(root, path));
      } catch {
        continue;
      }
      stats.entries++;
      const type: EntryType = st.isDirectory()
        ? "dir"
        : st.isFile()
          ? "file"
          : st.isSymbolicLink()
            ? "symlink"
            : "other";
      const info: EntryInfo = {
        path,
        type,
        size: type === "file" ? st.size : 0,
        mode: st.mode & 0o7777,
        linkname: type === "symlink" ? readlinkSync(join(root, path)) : undefined,
      };
      if (type === "dir") stack.push(path);
      if (type === "file") stats.uncompressedBytes += st.size;
      // Unwanted files are never opened.
      if (type === "file" && !dispatcher.wants(info)) continue;
      const stream =
        type === "file" ? createReadStream(join(root, path), { highWaterMark: 1 << 20 }) : Readable.from([]);
      await dispatcher.entry(info, 0, undefined, stream);
    }
  }
}

/** Walk the image once, feeding each request the files it wants; returns what survived whiteouts. */
export async function walkImage(
  image: Image,
  requests: FileRequest[],
  opts: WalkOptions = {},
): Promise<WalkResult> {
  const results = new LayeredResults();
  const dispatcher = new Dispatcher(requests, results, opts);
  const stats: WalkStats = {
    layers: image.layers.length,
    entries: 0,
    whiteouts: 0,
    opaqueDirs: 0,
    compressedBytes: 0,
    uncompressedBytes: 0,
  };
  if (image.rootDir) {
    await walkDirectory(image.rootDir, dispatcher, stats);
    return { found: results.all(), stats };
  }
  const ahead = Math.max(1, opts.prefetch ?? 2);
  const opened = new Map<number, Promise<Readable>>();
  const openLayer = (i: number) => {
    if (i < image.layers.length && !opened.has(i)) {
      const p = image.layers[i].open();
      p.catch(() => {}); // surfaced when awaited
      opened.set(i, p);
    }
  };
  for (const layer of image.layers) {
    for (let j = layer.index; j < layer.index + ahead; j++) openLayer(j);
    const src = await (opened.get(layer.index) as Promise<Readable>);
    opened.delete(layer.index);
    await walkOneLayer(layer, image.layers.length, src, dispatcher, stats, opts);
  }
  for (const p of opened.values())
    p.then(
      (s) => s.destroy(),
      () => {},
    );
  return { found: results.all(), stats };
}

async function walkOneLayer(
  layer: LayerDescriptor,
  layerCount: number,
  src: Readable,
  dispatcher: Dispatcher,
  stats: WalkStats,
  opts: WalkOptions,
): Promise<void> {
  let bytes = 0;
  const report = (done: boolean) =>
    opts.onProgress?.({
      layer: layer.index,
      layers: layerCount,
      digest: layer.digest,
      bytes,
      total: layer.size,
      done,
    });
  let source: Readable = src;
  if (opts.onProgress) {
    let last = 0;
    const counter = new Transform({
      highWaterMark: 1 << 20,
      transform(chunk: Buffer, _enc, cb) {
        bytes += chunk.length;
        if (bytes - last >= 1 << 20) {
          last = bytes;
          report(false);
        }
        cb(null, chunk);
      },
    });
    src.on("error", (e) => counter.destroy(e));
    source = src.pipe(counter);
    report(false);
  }
  const counters = { entries: 0, uncompressedBytes: 0 };
  try {
    await walkLayerStream(
      source,
      (info, stream) => {
        if (info.path.includes("/.wh.") || info.path.startsWith(".wh.")) {
          if (info.path.endsWith(".wh..wh..opq")) stats.opaqueDirs++;
          else stats.whiteouts++;
        }
        return dispatcher.entry(info, layer.index, layer.digest, stream);
      },
      counters,
    );
  } catch (err) {
    throw new ImageError(
      `layer ${layer.index + 1} (${layer.digest}): ${(err as Error).message}`,
      "bad-format",
    );
  }
  stats.entries += counters.entries;
  stats.uncompressedBytes += counters.uncompressedBytes;
  if (!opts.onProgress) bytes = Math.max(0, layer.size);
  stats.compressedBytes += bytes;
  report(true);
}
