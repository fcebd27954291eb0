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
import { type Readable, Transform } from "node:stream";
import { decompressor, peekStream, sniffCompression } from "./decompress.js";
import { type EntrySink, normalizeEntryPath, readTar } from "./tar-reader.js";
import { type EntryInfo, type EntryType, type Image, ImageError, type LayerDescriptor } from "./types.js";

export type { EntryInfo, EntryType } from "./types.js";
export type { EntrySink };
export { normalizeEntryPath };

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

/** Backpressure threshold for an entry read chunk by chunk (or not yet claimed by its reader). */
const FEED_HIGH_WATER = 1 << 20;

/**
 * One reader's view of one wanted entry: the tar reader pushes the entry's data in, the reader
 * takes it with readAll() (collected without pausing, so small files cost no event-loop turns)
 * or chunks() (pulled, with backpressure). Once the reader is done, the rest is discarded.
 */
class EntryFeed {
  private queue: Buffer[] = [];
  private queued = 0;
  private ended = false;
  private mode: "unclaimed" | "all" | "chunks" | "discard" = "unclaimed";
  private wakeReader?: () => void;
  private wakeWriter?: () => void;
  private limit = 0;
  private failure?: Error;
  private resolveAll?: (b: Buffer) => void;
  private rejectAll?: (e: Error) => void;

  constructor(private readonly size: number) {}

  get closed(): boolean {
    return this.mode === "discard";
  }

  write(chunk: Buffer): void | Promise<void> {
    if (this.mode === "discard") return;
    this.queue.push(chunk);
    this.queued += chunk.length;
    if (this.mode === "all") {
      if (this.queued > this.limit) this.failAll();
      return;
    }
    const wake = this.wakeReader;
    this.wakeReader = undefined;
    wake?.();
    if (this.queued > FEED_HIGH_WATER) return new Promise((r) => (this.wakeWriter = r));
  }

  end(): void {
    this.ended = true;
    if (this.mode === "all") this.finishAll();
    const wake = this.wakeReader;
    this.wakeReader = undefined;
    wake?.();
  }

  /** The data could not be read: the reader sees this error instead of the rest. */
  fail(err: Error): void {
    if (this.mode === "discard") return;
    this.failure = err;
    if (this.mode === "all") {
      const reject = this.rejectAll;
      this.discard();
      reject?.(err);
      return;
    }
    this.end();
  }

  /** The reader returned (or failed): nothing more will be consumed. */
  settle(): void {
    if (this.mode === "all" && this.rejectAll) this.rejectAll(new Error("file read abandoned"));
    this.discard();
  }

  private discard(): void {
    this.mode = "discard";
    this.queue = [];
    this.queued = 0;
    this.resolveAll = this.rejectAll = undefined;
    this.releaseWriter();
  }

  private releaseWriter(): void {
    const wake = this.wakeWriter;
    this.wakeWriter = undefined;
    wake?.();
  }

  private finishAll(): void {
    const parts = this.queue;
    const resolve = this.resolveAll;
    this.resolveAll = this.rejectAll = undefined;
    this.queue = [];
    this.queued = 0;
    this.mode = "discard";
    resolve?.(parts.length === 1 ? parts[0] : Buffer.concat(parts));
  }

  private failAll(): void {
    const reject = this.rejectAll;
    this.discard();
    reject?.(new FileTooLargeError(`file is larger than the ${this.limit}-byte limit`));
  }

  private claim(): void {
    if (this.mode !== "unclaimed") throw new Error("file content already read");
  }

  readAll(limit = 64 << 20): Promise<Buffer> {
    if (this.size > limit) {
      this.discard();
      return Promise.reject(
        new FileTooLargeError(`file is ${this.size} bytes, more than the ${limit}-byte limit`),
      );
    }
    this.claim();
    if (this.failure) return Promise.reject(this.failure);
    this.limit = limit;
    this.mode = "all";
    return new Promise<Buffer>((resolve, reject) => {
      this.resolveAll = resolve;
      this.rejectAll = reject;
      if (this.queued > limit) this.failAll();
      else if (this.ended) this.finishAll();
      else this.releaseWriter(); // collecting never pushes back
    });
  }

  async *chunks(): AsyncGenerator<Buffer> {
    this.claim();
    this.mode = "chunks";
    try {
      for (;;) {
        const next = this.queue.shift();
        if (next) {
          this.queued -= next.length;
          if (this.queued <= FEED_HIGH_WATER) this.releaseWriter();
          yield next;
          continue;
        }
        if (this.failure) throw this.failure;
        if (this.ended) return;
        this.releaseWriter();
        await new Promise<void>((r) => (this.wakeReader = r));
      }
    } finally {
      this.discard();
    }
  }
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
  /**
   * How many layers are decompressed and read at the same time (default 2; 1 = strictly one
   * after the other). Results are still applied bottom-up, so whiteouts behave the same.
   */
  parallel?: number;
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

/** What a layer's entries do to the results: the live results, or a log while lower layers run. */
interface ResultTarget {
  put(f: Found): void;
  replacedBy(path: string, layer: number): void;
  whiteout(path: string, layer: number): void;
  opaque(dir: string, layer: number): void;
}

/** The results kept so far, per path, with whiteout and replacement rules. */
class LayeredResults implements ResultTarget {
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

/** Operations logged before flushing; above this many, the layer waits for the ones below it. */
const LOG_LIMIT = 200_000;

type LoggedOp =
  | { op: "put"; found: Found }
  | { op: "replacedBy" | "whiteout" | "opaque"; path: string; layer: number };

/**
 * A layer walked while a lower one is still being walked records what it does to the results,
 * in order; once every lower layer is applied the log is replayed and the layer writes to the
 * live results directly. So whiteouts still apply strictly bottom-up whatever runs in parallel.
 */
class LayerLog implements ResultTarget {
  private ops: LoggedOp[] = [];
  private live?: LayeredResults;
  private waiters: (() => void)[] = [];

  get full(): boolean {
    return this.live === undefined && this.ops.length >= LOG_LIMIT;
  }

  whenLive(): Promise<void> {
    return this.live ? Promise.resolve() : new Promise((r) => this.waiters.push(r));
  }

  /** Replay the log into the live results and write there from now on. */
  goLive(results: LayeredResults): void {
    for (const o of this.ops) {
      if (o.op === "put") results.put(o.found);
      else results[o.op](o.path, o.layer);
    }
    this.ops = [];
    this.live = results;
    for (const w of this.waiters.splice(0)) w();
  }

  put(found: Found): void {
    if (this.live) this.live.put(found);
    else this.ops.push({ op: "put", found });
  }
  replacedBy(path: string, layer: number): void {
    if (this.live) this.live.replacedBy(path, layer);
    else this.ops.push({ op: "replacedBy", path, layer });
  }
  whiteout(path: string, layer: number): void {
    if (this.live) this.live.whiteout(path, layer);
    else this.ops.push({ op: "whiteout", path, layer });
  }
  opaque(dir: string, layer: number): void {
    if (this.live) this.live.opaque(dir, layer);
    else this.ops.push({ op: "opaque", path: dir, layer });
  }
}

class Dispatcher {
  constructor(
    readonly requests: FileRequest[],
    private readonly opts: WalkOptions,
  ) {}

  wants(info: EntryInfo): boolean {
    return this.requests.some((r) => r.wants(info.path, info));
  }

  /**
   * Handle one entry's header: apply whiteouts and replacements, and return a sink for its data
   * when some request wants it (undefined: skip the data). The sink's end() resolves once every
   * wanting request has finished with the file.
   */
  entry(
    info: EntryInfo,
    layerIndex: number,
    layerDigest: string | undefined,
    results: ResultTarget,
  ): EntrySink | undefined {
    const slash = info.path.lastIndexOf("/");
    const base = slash === -1 ? info.path : info.path.slice(slash + 1);
    if (base.startsWith(".wh.")) {
      const dir = slash === -1 ? "" : info.path.slice(0, slash);
      if (base === ".wh..wh..opq") results.opaque(dir, layerIndex);
      else if (!base.startsWith(".wh..wh.")) {
        results.whiteout(dir === "" ? base.slice(4) : `${dir}/${base.slice(4)}`, layerIndex);
      }
      return undefined;
    }
    if (info.type !== "dir") results.replacedBy(info.path, layerIndex);
    let wanting: FileRequest[] | undefined;
    for (const r of this.requests) {
      if (r.wants(info.path, info)) (wanting ??= []).push(r);
    }
    if (!wanting) return undefined;
    const feeds = wanting.map(() => new EntryFeed(info.size));
    const runs = wanting.map((r, i) => this.run(r, info, layerIndex, layerDigest, feeds[i], results));
    if (feeds.length === 1) {
      const feed = feeds[0];
      return {
        write: (c) => feed.write(c),
        end: () => {
          feed.end();
          return runs[0];
        },
        fail: (e) => feed.fail(e),
        get closed() {
          return feed.closed;
        },
      };
    }
    return {
      write(c) {
        let waits: Promise<void>[] | undefined;
        for (const f of feeds) {
          const w = f.write(c);
          if (w) (waits ??= []).push(w);
        }
        if (waits) return Promise.all(waits).then(() => undefined);
      },
      end: () => {
        for (const f of feeds) f.end();
        return Promise.all(runs).then(() => undefined);
      },
      fail(e) {
        for (const f of feeds) f.fail(e);
      },
      get closed() {
        return feeds.every((f) => f.closed);
      },
    };
  }

  private async run(
    r: FileRequest,
    info: EntryInfo,
    layerIndex: number,
    layerDigest: string | undefined,
    feed: EntryFeed,
    results: ResultTarget,
  ): Promise<void> {
    try {
      const value = await r.read({
        ...info,
        layerIndex,
        layerDigest,
        readAll: (limit) => feed.readAll(limit),
        chunks: () => feed.chunks(),
      });
      if (value !== undefined)
        results.put({ requestId: r.id, path: info.path, layerIndex, layerDigest, value });
    } catch (err) {
      this.opts.onFileError?.(info.path, r.id, err as Error);
    } finally {
      feed.settle();
    }
  }
}

export interface WalkCounters {
  entries: number;
  uncompressedBytes: number;
}

/**
 * Decompress one layer blob (gzip, zstd or none, sniffed) and read its tar, asking `onEntry` for a
 * sink per entry. Exported for the benchmark.
 */
export async function walkLayerStream(
  compressed: Readable,
  onEntry: (info: EntryInfo) => EntrySink | undefined | Promise<EntrySink | undefined>,
  counters: WalkCounters = { entries: 0, uncompressedBytes: 0 },
): Promise<void> {
  const head = await peekStream(compressed);
  if (head === null) return; // an empty blob is an empty layer
  const dec = decompressor(sniffCompression(head));
  if (!dec) return readTar(compressed, onEntry, counters);
  compressed.on("error", (e) => dec.destroy(e));
  compressed.pipe(dec);
  try {
    await readTar(dec, onEntry, counters);
  } finally {
    if (!dec.destroyed) dec.destroy();
    compressed.unpipe(dec);
  }
}

async function walkDirectory(
  root: string,
  dispatcher: Dispatcher,
  results: LayeredResults,
  stats: WalkStats,
): Promise<void> {
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
      const sink = dispatcher.entry(info, 0, undefined, results);
      if (!sink) continue;
      if (type === "file") {
        const stream = createReadStream(join(root, path), { highWaterMark: 1 << 20 });
        try {
          for await (const chunk of stream) {
            if (sink.closed) break;
            const w = sink.write(chunk as Buffer);
            if (w) await w;
          }
        } catch (err) {
          sink.fail?.(err as Error);
        } finally {
          stream.destroy();
        }
      }
      await sink.end();
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
  const dispatcher = new Dispatcher(requests, opts);
  const stats: WalkStats = {
    layers: image.layers.length,
    entries: 0,
    whiteouts: 0,
    opaqueDirs: 0,
    compressedBytes: 0,
    uncompressedBytes: 0,
  };
  if (image.rootDir) {
    await walkDirectory(image.rootDir, dispatcher, results, stats);
    return { found: results.all(), stats };
  }
  const layers = image.layers;
  const parallel = Math.max(1, opts.parallel ?? 2);
  const ahead = Math.max(parallel, opts.prefetch ?? 2);
  const opened = new Map<number, Promise<Readable>>();
  const openLayer = (i: number) => {
    if (i < layers.length && !opened.has(i)) {
      const p = layers[i].open();
      p.catch(() => {}); // surfaced when awaited
      opened.set(i, p);
    }
  };
  // Layer i writes to logs[i] until every layer below it is done and applied.
  const logs = layers.map(() => new LayerLog());
  const finished = layers.map(() => false);
  let applied = 0; // layers [0, applied) are done and applied
  let startWaiters: (() => void)[] = [];
  const advance = () => {
    while (applied < layers.length && finished[applied]) {
      applied++;
      if (applied < layers.length) logs[applied].goLive(results);
    }
    for (const w of startWaiters.splice(0)) w();
  };
  if (layers.length > 0) logs[0].goLive(results);
  let next = 0;
  let failure: unknown;
  const worker = async () => {
    while (failure === undefined && next < layers.length) {
      const i = next++;
      // At most `parallel` layers not yet applied: bounds the logs kept in memory.
      while (i >= applied + parallel && failure === undefined)
        await new Promise<void>((r) => startWaiters.push(r));
      if (failure !== undefined) return;
      for (let j = i; j < i + ahead; j++) openLayer(j);
      const src = await (opened.get(i) as Promise<Readable>);
      opened.delete(i);
      await walkOneLayer(layers[i], layers.length, src, dispatcher, logs[i], stats, opts);
      finished[i] = true;
      advance();
    }
  };
  try {
    await Promise.all(
      Array.from({ length: Math.min(parallel, layers.length) }, () =>
        worker().catch((err) => {
          failure ??= err;
          const waiting = startWaiters;
          startWaiters = [];
          for (const w of waiting) w();
          throw err;
        }),
      ),
    );
  } finally {
    for (const p of opened.values())
      p.then(
        (s) => s.destroy(),
        () => {},
      );
  }
  return { found: results.all(), stats };
}

async function walkOneLayer(
  layer: LayerDescriptor,
  layerCount: number,
  src: Readable,
  dispatcher: Dispatcher,
  log: LayerLog,
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
      (info) => {
        if (info.path.includes(".wh.") && (info.path.startsWith(".wh.") || info.path.includes("/.wh."))) {
          if (info.path.endsWith(".wh..wh..opq")) stats.opaqueDirs++;
          else stats.whiteouts++;
        }
        if (log.full)
          return log.whenLive().then(() => dispatcher.entry(info, layer.index, layer.digest, log));
        return dispatcher.entry(info, layer.index, layer.digest, log);
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
