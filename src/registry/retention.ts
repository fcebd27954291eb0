/**
 * Registry retention: which tags and manifests of one repository to keep and which to delete,
 * with the reason for each, and the deletion itself through the registry API.
 *
 * A tag is kept when any keep rule holds (newest N by creation time, a semver range, younger
 * than an age, its digest listed as in use). The registry deletes manifests, not tags: deleting
 * a digest removes every tag that points to it, so a digest is deleted only when none of its
 * tags is kept, no kept index references it, and it is not listed as in use. Cosign attachments
 * (`sha256-<hex>.sig|.att|.sbom` tags) follow their subject: kept with it, deleted with it, never
 * counted as user tags. Not for: garbage-collecting blobs (the registry's own `garbage-collect`).
 */

import { satisfies, validRange } from "semver";
import type { Reference } from "../reference/index.js";
import { isValidVersion } from "../version/index.js";
import { RegistryClient } from "./client.js";
import { RegistryError } from "./errors.js";
import { isIndexMediaType } from "./media-types.js";

export interface RetentionRules {
  /** Keep the newest N tags (by image creation time, then tag name). */
  keepLast?: number;
  /** Keep tags that are semver versions inside this range (node-semver syntax, `v` prefix allowed). */
  keepSemver?: string;
  /** Keep tags whose image was created less than this many milliseconds ago. */
  keepYoungerThanMs?: number;
  /** Digests in use (e.g. running in a cluster): never deleted, nor their tags. */
  keepDigests?: ReadonlySet<string>;
  /** Reference time for ages (default now). */
  now?: Date;
}

export type Decision = "keep" | "delete";

export interface TagPlan {
  tag: string;
  digest: string;
  created?: string;
  decision: Decision;
  /** Why it is kept (every rule that holds) or why it goes. */
  reasons: string[];
}

export interface ManifestPlan {
  digest: string;
  tags: string[];
  decision: Decision;
  reasons: string[];
  /** For attachments: the digest they belong to. */
  subject?: string;
  kind: "image" | "index" | "attachment";
}

export interface RetentionPlan {
  repository: string;
  tags: TagPlan[];
  manifests: ManifestPlan[];
}

const ATTACHMENT_TAG = /^(sha256)-([0-9a-f]{64})(?:\.(sig|att|sbom))?$/;

/** `sha256-<hex>.sig` → `sha256:<hex>`; undefined for ordinary tags. */
export function attachmentSubject(tag: string): string | undefined {
  const m = ATTACHMENT_TAG.exec(tag);
  return m ? `${m[1]}:${m[2]}` : undefined;
}

interface TagInfo {
  tag: string;
  digest: string;
  mediaType: string;
  created?: Date;
  children: string[];
}

async function inspectTag(client: RegistryClient, repo: string, tag: string): Promise<TagInfo> {
  const m = await client.getManifest(`${repo}:${tag}`);
  const info: TagInfo = { tag, digest: m.digest, mediaType: m.mediaType, children: [] };
  let config: { digest?: string } | undefined = m.json?.config;
  if (isIndexMediaType(m.mediaType)) {
    info.children = ((m.json?.manifests ?? []) as { digest: string }[]).map((d) => d.digest);
    const first = info.children[0];
    if (first) config = (await client.getManifest(`${repo}@${first}`)).json?.config;
  }
  const annotated = m.json?.annotations?.["org.opencontainers.image.created"];
  if (typeof annotated === "string" && !Number.isNaN(Date.parse(annotated)))
    info.created = new Date(annotated);
  else if (config?.digest) {
    try {
      const bytes = await client.getBlobBytes(repo, config.digest, { maxBytes: 4 << 20 });
      const created = JSON.parse(bytes.toString("utf8"))?.created;
      if (typeof created === "string" && !Number.isNaN(Date.parse(created))) info.created = new Date(created);
    } catch {
      // No readable config (an artifact): no creation time, so only the other rules apply.
    }
  }
  return info;
}

function semverOf(tag: string): string | undefined {
  const v = tag.replace(/^v(?=\d)/, "");
  return /^\d+\.\d+\.\d+(?:-[0-9A-Za-z.-]+)?(?:\+[0-9A-Za-z.-]+)?$/.test(v) && isValidVersion("semver", v)
    ? v
    : undefined;
}

/** Check the rules before any network work; throws a RegistryError("USAGE") naming the bad rule. */
export function validateRetentionRules(rules: RetentionRules): void {
  if (rules.keepSemver !== undefined && validRange(rules.keepSemver) === null)
    throw new RegistryError(
      "PROTOCOL",
      "-",
      `--keep-semver: ${JSON.stringify(rules.keepSemver)} is not a semver range (e.g. ">=1.4.0", "^2", "1.x")`,
    );
  if (rules.keepLast !== undefined && (!Number.isInteger(rules.keepLast) || rules.keepLast < 0))
    throw new RegistryError(
      "PROTOCOL",
      "-",
      `--keep-last: expected a whole number ≥ 0, got ${rules.keepLast}`,
    );
  if (
    rules.keepLast === undefined &&
    rules.keepSemver === undefined &&
    rules.keepYoungerThanMs === undefined &&
    (rules.keepDigests?.size ?? 0) === 0
  )
    throw new RegistryError(
      "PROTOCOL",
      "-",
      "no keep rule given: pass at least one of --keep-last, --keep-semver, --keep-younger-than, --keep-digests, --keep-running (with pods running images) — a plan without one would delete everything",
    );
}

/** Decide, per tag and per manifest, what to keep. Reads the registry; changes nothing. */
export async function planRetention(
  client: RegistryClient,
  repo: Reference,
  rules: RetentionRules,
): Promise<RetentionPlan> {
  validateRetentionRules(rules);
  const name = repo.name;
  const allTags = await client.listTags(name);
  const userTags = allTags.filter((t) => attachmentSubject(t) === undefined);
  const attachTags = allTags.filter((t) => attachmentSubject(t) !== undefined);
  const infos: TagInfo[] = [];
  for (const t of userTags) infos.push(await inspectTag(client, name, t));
  const now = (rules.now ?? new Date()).getTime();
  const newest = [...infos].sort(
    (a, b) => (b.created?.getTime() ?? 0) - (a.created?.getTime() ?? 0) || (a.tag < b.tag ? 1 : -1),
  );
  const lastN = new Set(newest.slice(0, rules.keepLast ?? 0).map((i) => i.tag));
  const tags: TagPlan[] = infos.map((i) => {
    const reasons: string[] = [];
    if (lastN.has(i.tag)) reasons.push(`among the newest ${rules.keepLast}`);
    const v = semverOf(i.tag);
    if (rules.keepSemver !== undefined && v && satisfies(v, rules.keepSemver))
      reasons.push(`in semver range ${rules.keepSemver}`);
    if (
      rules.keepYoungerThanMs !== undefined &&
      i.created &&
      now - i.created.getTime() < rules.keepYoungerThanMs
    )
      reasons.push(`younger than ${Math.round(rules.keepYoungerThanMs / 86_400_000)}d`);
    if (rules.keepDigests?.has(i.digest)) reasons.push("digest in use");
    return {
      tag: i.tag,
      digest: i.digest,
      created: i.created?.toISOString(),
      decision: reasons.length > 0 ? "keep" : "delete",
      reasons: reasons.length > 0 ? reasons : ["no keep rule holds"],
    };
  });
  return { repository: name, tags: sortTags(tags), manifests: planManifests(infos, tags, attachTags, rules) };
}

function sortTags(tags: TagPlan[]): TagPlan[] {
  return tags.sort((a, b) => (b.created ?? "").localeCompare(a.created ?? "") || a.tag.localeCompare(b.tag));
}

function planManifests(
  infos: TagInfo[],
  tags: TagPlan[],
  attachTags: string[],
  rules: RetentionRules,
): ManifestPlan[] {
  const byDigest = new Map<string, { info: TagInfo; tags: string[] }>();
  for (const i of infos) {
    const e = byDigest.get(i.digest);
    if (e) e.tags.push(i.tag);
    else byDigest.set(i.digest, { info: i, tags: [i.tag] });
  }
  const keptTags = new Set(tags.filter((t) => t.decision === "keep").map((t) => t.tag));
  // Children of kept indexes are kept too (deleting one breaks the index).
  const keptChildren = new Map<string, string>();
  for (const [digest, e] of byDigest) {
    if (e.tags.some((t) => keptTags.has(t))) for (const c of e.info.children) keptChildren.set(c, digest);
  }
  const manifests: ManifestPlan[] = [];
  const kept = new Set<string>();
  for (const [digest, e] of byDigest) {
    const reasons: string[] = [];
    const keptBy = e.tags.filter((t) => keptTags.has(t));
    if (keptBy.length > 0) reasons.push(`tag ${keptBy.join(", ")} is kept`);
    const parent = keptChildren.get(digest);
    if (parent) reasons.push(`referenced by kept index ${parent.slice(0, 19)}…`);
    if (rules.keepDigests?.has(digest)) reasons.push("digest in use");
    const decision: Decision = reasons.length > 0 ? "keep" : "delete";
    if (decision === "keep") kept.add(digest);
    manifests.push({
      digest,
      tags: e.tags,
      decision,
      reasons: reasons.length > 0 ? reasons : ["no tag of it is kept"],
      kind: isIndexMediaType(e.info.mediaType) ? "index" : "image",
    });
  }
  for (const t of attachTags) {
    const subject = attachmentSubject(t) as string;
    const keep = kept.has(subject) || keptChildren.has(subject) || !byDigest.has(subject);
    manifests.push({
      digest: "",
      tags: [t],
      subject,
      kind: "attachment",
      decision: keep ? "keep" : "delete",
      reasons: keep
        ? [byDigest.has(subject) ? "its image is kept" : "its image has no tag here (left alone)"]
        : ["its image is deleted"],
    });
  }
  return manifests;
}

/** Delete what the plan marks `delete` (attachments first), never a digest a kept tag still names. */
export async function applyRetention(
  client: RegistryClient,
  plan: RetentionPlan,
  onDelete?: (what: string) => void,
): Promise<{ deleted: string[]; failed: { what: string; message: string }[] }> {
  const keptDigests = new Set(
    plan.manifests.filter((m) => m.decision === "keep" && m.digest).map((m) => m.digest),
  );
  const deleted: string[] = [];
  const failed: { what: string; message: string }[] = [];
  const doomed = [
    ...plan.manifests.filter((m) => m.kind === "attachment" && m.decision === "delete"),
    ...plan.manifests.filter((m) => m.kind !== "attachment" && m.decision === "delete"),
  ];
  for (const m of doomed) {
    let digest = m.digest;
    const what =
      m.kind === "attachment" ? `${plan.repository}:${m.tags[0]}` : `${plan.repository}@${m.digest}`;
    try {
      if (m.kind === "attachment") {
        const head = await client.headManifest(`${plan.repository}:${m.tags[0]}`);
        if (!head) continue;
        digest = head.digest;
      }
      if (keptDigests.has(digest)) continue; // shared with something kept: leave it
      await deleteManifest(client, plan.repository, digest);
      deleted.push(what);
      onDelete?.(what);
    } catch (err) {
      failed.push({ what, message: (err as Error).message });
    }
  }
  return { deleted, failed };
}

/** DELETE /v2/<name>/manifests/<digest> (registries delete by digest; 202 Accepted). */
export async function deleteManifest(
  client: RegistryClient,
  repository: string,
  digest: string,
): Promise<void> {
  const ref = RegistryClient.ref(repository);
  const req = {
    registry: ref.domain,
    repository: ref.path,
    actions: ["pull" as const, "push" as const, "delete" as const],
    method: "DELETE" as const,
    path: `/v2/${ref.path}/manifests/${digest}`,
    what: `DELETE manifest ${ref.path}@${digest}`,
  };
  const res = await client.transport.request(req);
  if (res.status === 405)
    throw new RegistryError(
      "PROTOCOL",
      ref.domain,
      `${req.what}: the registry does not allow deletion (distribution: storage.delete.enabled: true)`,
    );
  if (res.status !== 202 && res.status !== 200 && res.status !== 404)
    throw client.transport.statusError(req, res);
}
