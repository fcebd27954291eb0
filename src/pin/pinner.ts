/**
 * Pinning: for each image site found in manifests and Dockerfiles, resolve its tag to a digest
 * and splice `name:tag@sha256:…` into the source in place of the original text, so nothing but
 * the image strings changes. Also the read-only modes: check (which images are unpinned, no
 * network) and verify (whether pinned tags still point at the pinned digest). No file I/O here.
 */
import { InvalidReferenceError, parseReference, type Reference } from "../reference/index.js";
import { RegistryError } from "../registry/errors.js";
import { findDockerfileImages } from "./find-dockerfile.js";
import { findYamlImages } from "./find-yaml.js";
import { type ImageSite, type SourceProblem, spliceSites } from "./image-site.js";

export interface PinSource {
  /** File name (or `-` for stdin) used in messages. */
  name: string;
  text: string;
  kind: "yaml" | "dockerfile";
  /** The file began with a UTF-8 byte-order mark (not part of `text`; written back). */
  bom?: boolean;
}

export type PinStatus =
  /** Rewritten (or would be, in dry-run) to name:tag@digest. */
  | "pinned"
  /** Already carries a digest. */
  | "already-pinned"
  /** --check: has no digest. */
  | "unpinned"
  /** --verify: the tag now points at another digest. */
  | "drift"
  /** --verify: the tag still points at the pinned digest. */
  | "verified"
  /** The registry could not resolve it. */
  | "failed"
  /** Not a valid image reference. */
  | "invalid"
  /** Left alone on purpose (ARG value, template, block scalar); see message. */
  | "skipped";

export interface PinResult {
  file: string;
  line: number;
  column: number;
  where: string;
  image: string;
  status: PinStatus;
  /** The new reference text (pinned) or the one the tag now resolves to (drift). */
  pinned?: string;
  digest?: string;
  /** drift: the digest the tag points at now. */
  current?: string;
  registry?: string;
  message?: string;
}

export interface PinOptions {
  /** Report unpinned images; resolve nothing (unless verify), rewrite nothing. */
  check?: boolean;
  /** Also resolve tags of already-pinned images and report drift. */
  verify?: boolean;
}

export interface PinOutcome {
  results: PinResult[];
  problems: SourceProblem[];
  /** New text per source name, only for sources that changed. */
  changed: Map<string, string>;
}

/** Resolve a tag reference to the digest it points at now. */
export type DigestResolver = (ref: Reference) => Promise<string>;

/** The input re-spelled with its tag kept (`:latest` made explicit) and the digest appended. */
export function pinnedSpelling(input: string, ref: Reference, digest: string): string {
  const noDigest = input.includes("@") ? input.slice(0, input.indexOf("@")) : input;
  const lastSlash = noDigest.lastIndexOf("/");
  const hasTag = noDigest.slice(lastSlash + 1).includes(":");
  return `${noDigest}${hasTag ? "" : `:${ref.tag ?? "latest"}`}@${digest}`;
}

export function findImages(source: PinSource): { sites: ImageSite[]; problems: SourceProblem[] } {
  return source.kind === "dockerfile"
    ? findDockerfileImages(source.text, source.name)
    : findYamlImages(source.text, source.name);
}

/**
 * After a file could not be written: its `pinned` results become `status` with the reason,
 * so nothing is reported or counted as pinned that is not pinned on disk.
 */
export function markUnwritten(
  results: PinResult[],
  file: string,
  status: "failed" | "skipped",
  message: string,
): void {
  for (const r of results) {
    if (r.file !== file || r.status !== "pinned") continue;
    r.status = status;
    r.message = message;
    delete r.pinned;
  }
}

export async function pinSources(
  sources: PinSource[],
  resolveDigest: DigestResolver,
  opts: PinOptions = {},
): Promise<PinOutcome> {
  const cache = new Map<string, Promise<string>>();
  const resolveOnce = (ref: Reference) => {
    const key = ref.dockerRef();
    let p = cache.get(key);
    if (!p) {
      p = resolveDigest(ref);
      cache.set(key, p);
    }
    return p;
  };
  const results: PinResult[] = [];
  const problems: SourceProblem[] = [];
  const changed = new Map<string, string>();

  await Promise.all(
    sources.map(async (source) => {
      const found = findImages(source);
      problems.push(...found.problems);
      const edits: { start: number; end: number; text: string }[] = [];
      const perSite = await Promise.all(
        found.sites.map(async (site): Promise<PinResult> => {
          const base = {
            file: site.file,
            line: site.line,
            column: site.column,
            where: site.where,
            image: site.image,
          };
          if (site.skip) return { ...base, status: "skipped", message: `not pinned: ${site.skip}` };
          let ref: Reference;
          try {
            ref = parseReference(site.image, { strictHost: true });
          } catch (err) {
            if (!(err instanceof InvalidReferenceError)) throw err;
            return {
              ...base,
              status: "invalid",
              message: `invalid image reference ${JSON.stringify(site.image)}: ${err.message}`,
            };
          }
          try {
            if (ref.digest) {
              if (!opts.verify || ref.tag === undefined)
                return { ...base, status: "already-pinned", digest: ref.digest };
              const now = await resolveOnce(ref.with({ digest: undefined }));
              if (now === ref.digest) return { ...base, status: "verified", digest: ref.digest };
              return {
                ...base,
                status: "drift",
                digest: ref.digest,
                current: now,
                pinned: pinnedSpelling(site.image, ref, now),
                message: `tag ${ref.tag} now points at ${now}, pinned ${ref.digest}`,
              };
            }
            if (opts.check) return { ...base, status: "unpinned", message: "no digest" };
            const digest = await resolveOnce(ref);
            const pinned = pinnedSpelling(site.image, ref, digest);
            edits.push({ start: site.start, end: site.end, text: `${site.quote}${pinned}${site.quote}` });
            return { ...base, status: "pinned", digest, pinned };
          } catch (err) {
            if (!(err instanceof RegistryError)) throw err;
            return { ...base, status: "failed", registry: err.registry, message: err.message };
          }
        }),
      );
      results.push(...perSite);
      if (edits.length > 0) {
        const next = spliceSites(source.text, edits);
        if (next !== source.text) changed.set(source.name, next);
      }
    }),
  );
  const order = (a: { file: string; line?: number; column?: number }, b: typeof a) =>
    a.file < b.file
      ? -1
      : a.file > b.file
        ? 1
        : (a.line ?? 0) - (b.line ?? 0) || (a.column ?? 0) - (b.column ?? 0);
  results.sort(order);
  problems.sort(order);
  return { results, problems, changed };
}
