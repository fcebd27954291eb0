/**
 * Bounded registry work per review. One pod can name thousands of distinct images, and each
 * costs registry requests and memory, so:
 * - a review naming more than `maxImages` distinct images is denied before any look-up
 *   (ImageCountError, with a message saying so);
 * - look-ups run through one ConcurrencyLimiter shared by every review of the server, so
 *   concurrent reviews cannot multiply the number of requests in flight; an image still waiting
 *   for a slot when the deadline passes is left without facts ("could not be checked in time");
 * - an image whose registry is not on spec.rules.allowedRegistries is never looked up, in every
 *   mode (also with namespaceModeLabel, and when the allow-list only warns or audits): the
 *   registry is named by whoever writes the pod, so contacting it would let anyone point the
 *   webhook at any host.
 */
import { type ImageInspector, outsideAllowedRegistries } from "../policy/inspector.js";
import type { ImageFacts } from "../policy/rule.js";
import type { ImagePolicy } from "../policy/types.js";
import { parseImageReference } from "../reference/cache.js";
import type { Reference } from "../reference/index.js";
import { ConcurrencyLimiter } from "../registry/limiter.js";

export const DEFAULT_MAX_IMAGES = 100;
export const DEFAULT_MAX_LOOKUPS = 32;

export const NOT_ALLOWED =
  "not looked up: its registry is not allowed by spec.rules.allowedRegistries (Portcullis contacts only allowed registries)";

export interface ReviewLimits {
  /** Most distinct images one review may name. */
  maxImages: number;
  /** Look-ups in flight across all reviews. */
  lookups: ConcurrencyLimiter;
}

export function reviewLimits(opts: { maxImages?: number; maxLookups?: number } = {}): ReviewLimits {
  return {
    maxImages: opts.maxImages ?? DEFAULT_MAX_IMAGES,
    lookups: new ConcurrencyLimiter(opts.maxLookups ?? DEFAULT_MAX_LOOKUPS),
  };
}

/** The distinct, non-empty images of a review. */
export function distinctImages(images: Iterable<string>): string[] {
  return [...new Set(images)].filter(Boolean);
}

/** The denial text for a review over the image cap (undefined when under it). */
export function imageCountProblem(count: number, limits: ReviewLimits): string | undefined {
  if (count <= limits.maxImages) return undefined;
  return `portcullis denied: the object names ${count} distinct images, more than the ${limits.maxImages} a review may check (webhook serve --max-images); split the workload or raise the limit`;
}

/** Wait for a look-up slot; undefined when the deadline passes first. */
async function slot(limiter: ConcurrencyLimiter, signal: AbortSignal): Promise<(() => void) | undefined> {
  if (signal.aborted) return undefined;
  const pending = limiter.acquire();
  const aborted = new Promise<undefined>((resolve) =>
    signal.addEventListener("abort", () => resolve(undefined), { once: true }),
  );
  const got = await Promise.race([pending, aborted]);
  if (got) return got;
  void pending.then((release) => release()); // hand the slot on once it comes
  return undefined;
}

/** The facts of each distinct image, with the shared bound on look-ups in flight. */
export async function gatherBounded(
  inspector: ImageInspector,
  policy: ImagePolicy,
  images: string[],
  limits: ReviewLimits,
  signal: AbortSignal,
): Promise<Map<string, ImageFacts>> {
  const out = new Map<string, ImageFacts>();
  await Promise.all(
    distinctImages(images).map(async (image) => {
      let ref: Reference;
      try {
        ref = parseImageReference(image);
      } catch {
        out.set(image, {});
        return;
      }
      if (outsideAllowedRegistries(policy, ref)) {
        out.set(image, { digestError: NOT_ALLOWED });
        return;
      }
      const release = await slot(limits.lookups, signal);
      if (!release) return; // deadline: no facts, the rules say "could not be checked in time"
      try {
        out.set(image, await inspector.inspect(policy, image, signal));
      } finally {
        release();
      }
    }),
  );
  return out;
}

/** Summarise a list of problems: every one when few, else the count and the first `keep`. */
export function summarise(problems: string[], what: string, keep = 5): string {
  if (problems.length <= keep) return problems.join("; ");
  return `${problems.length} ${what}, first ${keep}: ${problems.slice(0, keep).join("; ")}`;
}
