/**
 * Image look-ups for the policy: tag → digest through the registry client, then signature,
 * attestation and vulnerability verdicts for that DIGEST. Verdict caches are keyed by digest
 * (plus the key or predicate set), never by tag: a tag-keyed verdict cache lets a moved tag pass
 * as verified (GHSA-2r43-6962-xcw5). Used by `portcullis check --images` and the webhook.
 *
 * Capabilities not in this build (signature verification, scanning) give an `unavailable`
 * verdict, which the rules report: never a pass.
 */
import { parseReference, type Reference } from "../reference/index.js";
import { RegistryClient, type RegistryClientOptions } from "../registry/index.js";
import { matchAny } from "./patterns.js";
import type { FactVerdict, ImageFacts } from "./rule.js";
import { TtlCache } from "./ttl-cache.js";
import type { ImagePolicy } from "./types.js";

export interface InspectorOptions {
  /** tag → digest resolver; default: a RegistryClient. */
  resolveDigest?: (ref: Reference, platform?: string) => Promise<string>;
  registry?: RegistryClientOptions;
  digestTtlMs?: number;
  verdictTtlMs?: number;
  failureTtlMs?: number;
  onCacheEvent?: (cache: string, event: "hit" | "miss" | "merged") => void;
}

export class DeadlineError extends Error {
  override readonly name = "DeadlineError";
}

/** Reject with DeadlineError when the signal fires first. */
export function withDeadline<T>(p: Promise<T>, signal: AbortSignal | undefined, what: string): Promise<T> {
  if (!signal) return p;
  if (signal.aborted) return Promise.reject(new DeadlineError(`${what}: deadline exceeded`));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new DeadlineError(`${what}: deadline exceeded`));
    signal.addEventListener("abort", onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener("abort", onAbort);
        resolve(v);
      },
      (e) => {
        signal.removeEventListener("abort", onAbort);
        reject(e);
      },
    );
  });
}

export class ImageInspector {
  readonly digests: TtlCache<string>;
  readonly signatures: TtlCache<FactVerdict>;
  readonly attestations: TtlCache<FactVerdict>;
  readonly scans: TtlCache<FactVerdict>;
  private client?: RegistryClient;
  private readonly resolveDigestFn: (ref: Reference, platform?: string) => Promise<string>;

  constructor(opts: InspectorOptions = {}) {
    const failureTtlMs = opts.failureTtlMs ?? 10_000;
    this.digests = new TtlCache(
      "digest",
      { ttlMs: opts.digestTtlMs ?? 300_000, failureTtlMs },
      opts.onCacheEvent,
    );
    const verdict = { ttlMs: opts.verdictTtlMs ?? 3_600_000, failureTtlMs };
    this.signatures = new TtlCache("signature", verdict, opts.onCacheEvent);
    this.attestations = new TtlCache("attestation", verdict, opts.onCacheEvent);
    this.scans = new TtlCache("scan", verdict, opts.onCacheEvent);
    this.resolveDigestFn =
      opts.resolveDigest ??
      (async (ref, platform) => {
        this.client ??= new RegistryClient({ timeoutMs: 5_000, retries: 1, ...opts.registry });
        const r = await this.client.resolve(ref, platform ? { platform } : {});
        return r.digest;
      });
  }

  /** The manifest digest for a reference (the one written, when it has one). Cached by tag, briefly. */
  resolveDigest(ref: Reference, platform?: string, signal?: AbortSignal): Promise<string> {
    if (ref.digest) return Promise.resolve(ref.digest);
    const key = `${ref.dockerRef()}|${platform ?? ""}`;
    return withDeadline(
      this.digests.get(key, () => this.resolveDigestFn(ref, platform)),
      signal,
      `resolving ${ref.familiar()}`,
    );
  }

  /** Everything the policy needs to know about one image. Never throws: failures land in the facts. */
  async inspect(policy: ImagePolicy, image: string, signal?: AbortSignal): Promise<ImageFacts> {
    let ref: Reference;
    try {
      ref = parseReference(image, { strictHost: true });
    } catch {
      return {};
    }
    const facts: ImageFacts = {};
    try {
      facts.digest = await this.resolveDigest(ref, policy.spec.mutation?.platform, signal);
    } catch (err) {
      facts.digestError = `could not resolve its digest: ${(err as Error).message}`;
      return facts;
    }
    const rules = policy.spec.rules ?? {};
    const digestKey = `${ref.name}@${facts.digest}`;
    const sigEntries = rules.signatures?.keys.filter((k) => matchAny(k.images, ref.name)) ?? [];
    if (sigEntries.length) {
      const keyId = JSON.stringify(sigEntries.map((e) => e.key));
      facts.signature = await this.signatures.get(`${digestKey}|${keyId}`, async () => ({
        ok: false,
        unavailable: true,
        message: `signature verification is not yet available in this build; ${ref.familiar()}@${facts.digest} cannot be verified`,
      }));
    }
    const attEntries = rules.attestations?.require.filter((a) => matchAny(a.images, ref.name)) ?? [];
    if (attEntries.length) {
      const types = attEntries.flatMap((a) => a.predicateTypes).sort();
      facts.attestations = await this.attestations.get(`${digestKey}|${types.join(",")}`, async () => ({
        ok: false,
        unavailable: true,
        message: `attestation verification is not yet available in this build; required ${types.join(", ")} for ${ref.familiar()} cannot be verified`,
      }));
    }
    if (rules.vulnerabilities) {
      facts.vulnerabilities = await this.scans.get(
        `${digestKey}|${JSON.stringify(rules.vulnerabilities)}`,
        async () => ({
          ok: false,
          unavailable: true,
          message:
            "vulnerability scanning is not yet available in this build; the image cannot be checked against the limit",
        }),
      );
    }
    return facts;
  }

  /** Inspect several images concurrently; each image once. */
  async gather(
    policy: ImagePolicy,
    images: Iterable<string>,
    signal?: AbortSignal,
  ): Promise<Map<string, ImageFacts>> {
    const unique = [...new Set(images)].filter(Boolean);
    const out = new Map<string, ImageFacts>();
    await Promise.all(
      unique.map(async (img) => {
        out.set(img, await this.inspect(policy, img, signal));
      }),
    );
    return out;
  }

  async close(): Promise<void> {
    await this.client?.close();
  }
}
