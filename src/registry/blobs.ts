/**
 * Blobs: streamed downloads verified as they flow (digest and length; a mismatch or an early end
 * is an error on the stream, not silent corruption), whole-blob reads that retry a truncated
 * transfer, and existence checks. Uploads live in push.ts.
 */
import { Readable, Transform, type TransformCallback } from "node:stream";
import type { Reference } from "../reference/index.js";
import { digestAlgorithm, hasherFor, isDigest } from "./digest.js";
import { RegistryError } from "./errors.js";
import { backoffDelay, sleep } from "./retry.js";
import { networkError, type Transport } from "./transport.js";

function checkDigestArg(registry: string, digest: string): void {
  if (!isDigest(digest))
    throw new RegistryError("PROTOCOL", registry, `invalid blob digest ${JSON.stringify(digest)}`);
}

/** A pass-through that hashes and counts; fails at the end on a digest or length mismatch. */
class VerifyingStream extends Transform {
  private readonly hash;
  private received = 0;
  constructor(
    private readonly registry: string,
    private readonly what: string,
    private readonly digest: string,
    private readonly expectedLength: number | undefined,
  ) {
    super();
    this.hash = hasherFor(digest);
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.hash.update(chunk);
    this.received += chunk.length;
    cb(null, chunk);
  }
  override _flush(cb: TransformCallback): void {
    if (this.expectedLength !== undefined && this.received < this.expectedLength) {
      cb(
        new RegistryError(
          "TRUNCATED",
          this.registry,
          `${this.what}: truncated, got ${this.received} of ${this.expectedLength} bytes`,
        ),
      );
      return;
    }
    const actual = `${digestAlgorithm(this.digest)}:${this.hash.digest("hex")}`;
    if (actual !== this.digest) {
      cb(
        new RegistryError(
          "DIGEST_MISMATCH",
          this.registry,
          `${this.what}: content digest is ${actual}, expected ${this.digest} (${this.received} bytes)`,
        ),
      );
      return;
    }
    cb();
  }
}

function tooLarge(registry: string, what: string, maxBytes: number): RegistryError {
  return new RegistryError("TOO_LARGE", registry, `${what}: larger than the limit of ${maxBytes} bytes`);
}

/**
 * Stream a blob; the stream errors with a RegistryError on digest mismatch, truncation or timeout.
 * With `maxBytes`, a blob whose Content-Length is larger is refused before reading (TOO_LARGE).
 */
export async function getBlob(
  t: Transport,
  repo: Reference,
  digest: string,
  opts: { maxBytes?: number } = {},
): Promise<Readable> {
  checkDigestArg(repo.domain, digest);
  const what = `GET blob ${repo.path}@${digest}`;
  const req = {
    registry: repo.domain,
    repository: repo.path,
    method: "GET" as const,
    path: `/v2/${repo.path}/blobs/${digest}`,
    what,
    stream: true,
  };
  const res = await t.request(req);
  if (res.status !== 200 || !res.stream) {
    res.release();
    throw t.statusError(req, res);
  }
  const length = res.headers.get("content-length");
  if (opts.maxBytes !== undefined && length !== null && Number(length) > opts.maxBytes) {
    res.release();
    await res.stream.cancel().catch(() => undefined);
    throw tooLarge(repo.domain, what, opts.maxBytes);
  }
  const verify = new VerifyingStream(repo.domain, what, digest, length !== null ? Number(length) : undefined);
  // biome-ignore lint/suspicious/noExplicitAny: web stream types differ between undici and node typings
  const source = Readable.fromWeb(res.stream as any);
  let done = false;
  const finish = () => {
    if (!done) {
      done = true;
      res.release();
    }
  };
  source.on("error", (err) => {
    finish();
    const e = networkError(repo.domain, what, err, "the blob");
    // An early close is a truncation whatever the socket error was called.
    verify.destroy(
      e.code === "UNREACHABLE" || e.code === "TRUNCATED"
        ? new RegistryError(
            "TRUNCATED",
            repo.domain,
            `${what}: connection closed before the end of the blob`,
            {
              cause: err,
            },
          )
        : e,
    );
  });
  source.on("end", finish);
  verify.on("close", () => {
    finish();
    if (!source.destroyed) source.destroy();
  });
  source.pipe(verify);
  return verify;
}

/**
 * Read a whole blob into memory, verified; a truncated transfer is retried. With `maxBytes`, a
 * larger blob is refused (TOO_LARGE) without reading more than the limit, whatever its
 * descriptor or Content-Length said.
 */
export async function getBlobBytes(
  t: Transport,
  repo: Reference,
  digest: string,
  opts: { maxBytes?: number } = {},
): Promise<Buffer> {
  for (let attempt = 0; ; attempt++) {
    try {
      const stream = await getBlob(t, repo, digest, opts);
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const chunk of stream) {
        size += (chunk as Buffer).length;
        if (opts.maxBytes !== undefined && size > opts.maxBytes) {
          stream.destroy();
          throw tooLarge(repo.domain, `GET blob ${repo.path}@${digest}`, opts.maxBytes);
        }
        chunks.push(chunk as Buffer);
      }
      return Buffer.concat(chunks);
    } catch (err) {
      if (err instanceof RegistryError && err.code === "TRUNCATED" && attempt < t.retries) {
        await sleep(backoffDelay(attempt, { baseMs: 250, maxMs: 10_000 }));
        continue;
      }
      throw err;
    }
  }
}

export async function blobExists(t: Transport, repo: Reference, digest: string): Promise<boolean> {
  checkDigestArg(repo.domain, digest);
  const req = {
    registry: repo.domain,
    repository: repo.path,
    method: "HEAD" as const,
    path: `/v2/${repo.path}/blobs/${digest}`,
    what: `HEAD blob ${repo.path}@${digest}`,
  };
  const res = await t.request(req);
  if (res.status === 200) return true;
  if (res.status === 404) return false;
  throw t.statusError(req, res);
}
