/**
 * Blob uploads (OCI Distribution push): POST to open an upload session, then either one PUT
 * with the whole blob (monolithic) or PATCHes of chunks with Content-Range followed by a
 * closing PUT (chunked). The registry's Location is followed as given (relative or absolute).
 * Blobs already present are not sent again.
 */
import type { Reference } from "../reference/index.js";
import { blobExists } from "./blobs.js";
import { digestOf } from "./digest.js";
import { RegistryError } from "./errors.js";
import type { RegistryResponse, Transport } from "./transport.js";

function nextLocation(registry: string, what: string, res: RegistryResponse): string {
  const loc = res.headers.get("location");
  if (!loc) throw new RegistryError("PROTOCOL", registry, `${what}: upload answer without a Location header`);
  return new URL(loc, res.url).toString();
}

function withDigest(location: string, digest: string): string {
  const u = new URL(location);
  u.searchParams.set("digest", digest);
  return u.toString();
}

export async function pushBlob(
  t: Transport,
  repo: Reference,
  data: Buffer,
  opts: { chunkSize?: number; skipExisting?: boolean } = {},
): Promise<string> {
  const digest = digestOf(data);
  if (opts.skipExisting !== false && (await blobExists(t, repo, digest))) return digest;
  const base = {
    registry: repo.domain,
    repository: repo.path,
    actions: ["pull" as const, "push" as const],
  };
  const startWhat = `POST blob upload ${repo.path}`;
  const start = {
    ...base,
    method: "POST" as const,
    path: `/v2/${repo.path}/blobs/uploads/`,
    what: startWhat,
  };
  const opened = await t.request(start);
  if (opened.status !== 202) throw t.statusError(start, opened);
  let location = nextLocation(repo.domain, startWhat, opened);
  const chunkSize = opts.chunkSize;
  if (chunkSize !== undefined && chunkSize > 0 && data.length > 0) {
    for (let offset = 0; offset < data.length; offset += chunkSize) {
      const chunk = data.subarray(offset, Math.min(data.length, offset + chunkSize));
      const what = `PATCH blob chunk ${repo.path} bytes ${offset}-${offset + chunk.length - 1}`;
      const req = {
        ...base,
        method: "PATCH" as const,
        path: location,
        headers: {
          "content-type": "application/octet-stream",
          "content-range": `${offset}-${offset + chunk.length - 1}`,
          "content-length": String(chunk.length),
        },
        body: chunk,
        what,
      };
      const res = await t.request(req);
      if (res.status !== 202) throw t.statusError(req, res);
      location = nextLocation(repo.domain, what, res);
    }
    const what = `PUT blob ${repo.path}@${digest}`;
    const close = {
      ...base,
      method: "PUT" as const,
      path: withDigest(location, digest),
      what,
      body: Buffer.alloc(0),
    };
    const res = await t.request(close);
    if (res.status !== 201) throw t.statusError(close, res);
    checkStored(repo.domain, what, res, digest);
    return digest;
  }
  const what = `PUT blob ${repo.path}@${digest}`;
  const put = {
    ...base,
    method: "PUT" as const,
    path: withDigest(location, digest),
    headers: { "content-type": "application/octet-stream", "content-length": String(data.length) },
    body: data,
    what,
  };
  const res = await t.request(put);
  if (res.status !== 201) throw t.statusError(put, res);
  checkStored(repo.domain, what, res, digest);
  return digest;
}

function checkStored(registry: string, what: string, res: RegistryResponse, digest: string): void {
  const stored = res.headers.get("docker-content-digest");
  if (stored && stored !== digest) {
    throw new RegistryError("DIGEST_MISMATCH", registry, `${what}: the registry stored ${stored}`);
  }
}
