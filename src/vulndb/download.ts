/**
 * Fetching a feed over HTTP(S) with undici: conditional requests (If-None-Match /
 * If-Modified-Since, so an unchanged source costs one 304), retries with exponential backoff on
 * network errors, 429 and 5xx, and a sanity check of what arrived (the Content-Length, and the
 * MD5 that Google Cloud Storage sends in `x-goog-hash`). The body goes to a file beside the
 * database, never into the database directly: a failed download leaves the database as it was.
 */
import { createHash } from "node:crypto";
import { createWriteStream } from "node:fs";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { type Dispatcher, fetch } from "undici";
import { VulnDbError } from "./errors.js";

export interface DownloadOptions {
  etag?: string;
  lastModified?: string;
  /** Attempts after the first (default 3). */
  retries?: number;
  /** First backoff delay, doubled per attempt (default 500 ms). */
  backoffMs?: number;
  /** Called as bytes arrive; total is the Content-Length when known. */
  onProgress?: (received: number, total: number | undefined) => void;
  dispatcher?: Dispatcher;
  /** Per-request timeout for headers and between body chunks, ms (default 60000). */
  timeoutMs?: number;
}

export type DownloadResult =
  | { status: "not-modified" }
  | { status: "downloaded"; path: string; size: number; etag?: string; lastModified?: string };

class RetryableError extends Error {}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function attempt(url: string, file: string, opts: DownloadOptions): Promise<DownloadResult> {
  const headers: Record<string, string> = { "user-agent": "portcullis" };
  if (opts.etag) headers["if-none-match"] = opts.etag;
  if (opts.lastModified) headers["if-modified-since"] = opts.lastModified;
  let res: Awaited<ReturnType<typeof fetch>>;
  try {
    res = await fetch(url, {
      headers,
      signal: AbortSignal.timeout(opts.timeoutMs ?? 600_000),
      ...(opts.dispatcher ? { dispatcher: opts.dispatcher } : {}),
    });
  } catch (err) {
    throw new RetryableError(`cannot reach ${url}: ${causeOf(err)}`);
  }
  if (res.status === 304) {
    await res.body?.cancel();
    return { status: "not-modified" };
  }
  if (res.status === 429 || res.status >= 500) {
    await res.body?.cancel();
    throw new RetryableError(`${url}: HTTP ${res.status}`);
  }
  if (res.status !== 200 || !res.body) {
    await res.body?.cancel();
    throw new VulnDbError("DOWNLOAD_FAILED", `${url}: HTTP ${res.status} ${res.statusText}`.trim());
  }
  const lengthHeader = res.headers.get("content-length");
  const total = lengthHeader ? Number(lengthHeader) : undefined;
  const md5 = /(?:^|,)\s*md5=([^,\s]+)/.exec(res.headers.get("x-goog-hash") ?? "")?.[1];
  const hash = createHash("md5");
  let received = 0;
  const body = Readable.fromWeb(res.body as import("node:stream/web").ReadableStream<Uint8Array>);
  body.on("data", (chunk: Buffer) => {
    received += chunk.length;
    hash.update(chunk);
    opts.onProgress?.(received, total);
  });
  try {
    await pipeline(body, createWriteStream(file));
  } catch (err) {
    throw new RetryableError(`${url}: download interrupted after ${received} bytes (${causeOf(err)})`);
  }
  if (total !== undefined && received !== total)
    throw new RetryableError(`${url}: got ${received} bytes, the server announced ${total}`);
  if (received === 0) throw new RetryableError(`${url}: empty response`);
  if (md5 && hash.digest("base64") !== md5)
    throw new RetryableError(`${url}: MD5 of the download does not match the server's x-goog-hash`);
  const etag = res.headers.get("etag") ?? undefined;
  const lastModified = res.headers.get("last-modified") ?? undefined;
  return {
    status: "downloaded",
    path: file,
    size: received,
    ...(etag ? { etag } : {}),
    ...(lastModified ? { lastModified } : {}),
  };
}

function causeOf(err: unknown): string {
  const e = err as { message?: string; cause?: { message?: string; code?: string } };
  return e.cause?.code ?? e.cause?.message ?? e.message ?? String(err);
}

/** Download `url` into `dir/name` (retrying), or report that it has not changed. */
export async function downloadFeed(
  url: string,
  dir: string,
  name: string,
  opts: DownloadOptions = {},
): Promise<DownloadResult> {
  const file = join(dir, name);
  const retries = opts.retries ?? 3;
  let last = "";
  for (let i = 0; i <= retries; i++) {
    if (i > 0) await sleep((opts.backoffMs ?? 500) * 2 ** (i - 1));
    try {
      return await attempt(url, file, opts);
    } catch (err) {
      await rm(file, { force: true });
      if (!(err instanceof RetryableError)) throw err;
      last = err.message;
    }
  }
  throw new VulnDbError("DOWNLOAD_FAILED", `${last} (gave up after ${retries + 1} attempts)`);
}
