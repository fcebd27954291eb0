/**
 * Read-only listings of a repository: tags (following `Link: <…>; rel="next"` pages) and the
 * OCI 1.1 referrers API (with `undefined` when the registry does not have it, so callers can
 * fall back to the referrers tag schema).
 */
import type { Reference } from "../reference/index.js";
import { isDigest } from "./digest.js";
import { RegistryError } from "./errors.js";
import { bareMediaType, type Descriptor, OCI_INDEX } from "./media-types.js";
import type { Transport } from "./transport.js";

function nextLink(link: string | null): string | undefined {
  if (!link) return undefined;
  const m = /<([^>]+)>\s*;\s*rel="?next"?/i.exec(link);
  return m ? m[1] : undefined;
}

export async function listTags(t: Transport, repo: Reference): Promise<string[]> {
  const tags: string[] = [];
  let path: string | undefined = `/v2/${repo.path}/tags/list`;
  for (let page = 0; path && page < 1000; page++) {
    const req = {
      registry: repo.domain,
      repository: repo.path,
      method: "GET" as const,
      path,
      what: `GET tags of ${repo.path}`,
    };
    const res = await t.request(req);
    if (res.status !== 200) throw t.statusError(req, res);
    let json: { tags?: string[] | null };
    try {
      json = JSON.parse(res.body.toString("utf8")) as typeof json;
    } catch {
      throw new RegistryError("PROTOCOL", repo.domain, `${req.what}: the tag list is not valid JSON`);
    }
    tags.push(...(json.tags ?? []));
    const next = nextLink(res.headers.get("link"));
    path = next ? (next.startsWith("/") || /^https?:/.test(next) ? next : `/${next}`) : undefined;
  }
  return tags;
}

/** Referrers of a manifest, or undefined when the registry has no referrers API (404 without an OCI index). */
export async function referrers(
  t: Transport,
  repo: Reference,
  digest: string,
  artifactType?: string,
): Promise<Descriptor[] | undefined> {
  if (!isDigest(digest))
    throw new RegistryError("PROTOCOL", repo.domain, `invalid digest ${JSON.stringify(digest)}`);
  const q = artifactType ? `?artifactType=${encodeURIComponent(artifactType)}` : "";
  const req = {
    registry: repo.domain,
    repository: repo.path,
    method: "GET" as const,
    path: `/v2/${repo.path}/referrers/${digest}${q}`,
    headers: { accept: OCI_INDEX },
    what: `GET referrers of ${repo.path}@${digest}`,
  };
  const res = await t.request(req);
  if (res.status === 404 && bareMediaType(res.headers.get("content-type")) !== OCI_INDEX) return undefined;
  if (res.status === 400 || res.status === 405) return undefined;
  if (res.status !== 200) throw t.statusError(req, res);
  let json: { manifests?: Descriptor[] };
  try {
    json = JSON.parse(res.body.toString("utf8")) as typeof json;
  } catch {
    throw new RegistryError("PROTOCOL", repo.domain, `${req.what}: the referrers index is not valid JSON`);
  }
  const list = Array.isArray(json.manifests) ? json.manifests : [];
  return artifactType ? list.filter((d) => d.artifactType === artifactType) : list;
}
