/**
 * Image look-ups for the policy: tag → digest through the registry client, then signature,
 * attestation and vulnerability verdicts for that DIGEST. Verdict caches are keyed by digest
 * plus the key set (key names and fingerprints) and predicate types, never by tag: a tag-keyed
 * verdict cache lets a moved tag pass as verified (GHSA-2r43-6962-xcw5). Positive verdicts live
 * for verdictTtlMs; negative ones and failed look-ups only for failureTtlMs, so an image signed
 * a moment later is not refused for an hour. Concurrent look-ups of one key are merged.
 * Used by `portcullis check --images` and the webhook.
 * Vulnerability verdicts come from src/scan/policy-evidence.ts (a scan, or a vuln attestation);
 * a missing database is a failed look-up, which the rules report: never a pass. The image config
 * (labels, manifest annotations, history: image-config.ts) is read when a configured rule that
 * declares the `config` fact would judge the image (required labels, allowed base images).
 */
import { parseImageReference } from "../reference/cache.js";
import type { Reference } from "../reference/index.js";
import { RegistryClient, type RegistryClientOptions } from "../registry/index.js";
import type { ImageStore } from "../sign/image-signing.js";
import { readImageConfig } from "./image-config.js";
import { describeKeySource, KeySourceError, loadKeySource, type PolicyKey } from "./keys.js";
import { policyBaseDir } from "./load.js";
import { ruleWantsFact } from "./lookups.js";
import { matchAny } from "./patterns.js";
import type { FactVerdict, ImageConfigFact, ImageFacts } from "./rule.js";
import { TtlCache } from "./ttl-cache.js";
import type { AttestationEntry, ImagePolicy, KeySource, SignatureKeyEntry } from "./types.js";
import {
  type AttestationRequirement,
  type KeyedRequirement,
  verifyAttestations,
  verifySignatures,
} from "./verification.js";

export interface InspectorOptions {
  /** tag → digest resolver; default: a RegistryClient. */
  resolveDigest?: (ref: Reference, platform?: string) => Promise<string>;
  registry?: RegistryClientOptions;
  digestTtlMs?: number;
  verdictTtlMs?: number;
  failureTtlMs?: number;
  /** How long keys read from files and Secrets are kept (default 60 s; a rotated key is then re-read). */
  keyTtlMs?: number;
  /** Folders searched for `secret:` key sources (before $PORTCULLIS_SECRETS_DIR and <policy folder>/secrets). */
  secretsDirs?: string[];
  /** Where signatures and attestations are read; default: the inspector's RegistryClient. */
  store?: ImageStore;
  onCacheEvent?: (cache: string, event: "hit" | "miss" | "merged") => void;
  /** The vulnerability database for the vulnerabilities rule (default: PORTCULLIS_DB, else the user cache). */
  vulnDb?: string;
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

const NOT_LOOKED_UP =
  "not looked up: its registry is not allowed by spec.rules.allowedRegistries (Portcullis contacts only allowed registries)";

/**
 * Whether an image is outside the policy's allow-list (spec.rules.allowedRegistries), in any
 * mode — enforce, warn, audit, or capped by a namespace's portcullis.dev/mode label. Such images
 * are never looked up: the registry is named by whoever writes the pod, and contacting it would
 * let anyone point the webhook at any host (requests to internal addresses, hostile answers).
 * Rules that need a look-up then say the image was not looked up, never a pass.
 */
export function outsideAllowedRegistries(policy: ImagePolicy, ref: Reference): boolean {
  const allowed = policy.spec.rules?.allowedRegistries;
  return allowed !== undefined && !matchAny(allowed.patterns, ref.name);
}

export class ImageInspector {
  readonly digests: TtlCache<string>;
  readonly signatures: TtlCache<FactVerdict>;
  readonly attestations: TtlCache<FactVerdict>;
  readonly scans: TtlCache<FactVerdict>;
  /** Image configs (labels, annotations, history) by digest and platform: content never changes. */
  readonly configs: TtlCache<ImageConfigFact>;
  readonly keys: TtlCache<PolicyKey[]>;
  private client?: RegistryClient;
  private readonly resolveDigestFn: (ref: Reference, platform?: string) => Promise<string>;
  private readonly opts: InspectorOptions;

  constructor(opts: InspectorOptions = {}) {
    this.opts = opts;
    const failureTtlMs = opts.failureTtlMs ?? 10_000;
    this.digests = new TtlCache(
      "digest",
      { ttlMs: opts.digestTtlMs ?? 300_000, failureTtlMs },
      opts.onCacheEvent,
    );
    const verdictTtlMs = opts.verdictTtlMs ?? 3_600_000;
    const verdict = {
      ttlMs: verdictTtlMs,
      failureTtlMs,
      // A refusal may be fixed by signing a minute later: keep it no longer than a failure.
      valueTtlMs: (v: FactVerdict) => (v.ok ? verdictTtlMs : Math.min(verdictTtlMs, failureTtlMs)),
    };
    this.signatures = new TtlCache("signature", verdict, opts.onCacheEvent);
    this.attestations = new TtlCache("attestation", verdict, opts.onCacheEvent);
    this.scans = new TtlCache("scan", verdict, opts.onCacheEvent);
    this.configs = new TtlCache("config", verdict, opts.onCacheEvent);
    this.keys = new TtlCache("key", { ttlMs: opts.keyTtlMs ?? 60_000, failureTtlMs }, opts.onCacheEvent);
    this.resolveDigestFn =
      opts.resolveDigest ??
      (async (ref, platform) => {
        const r = await this.registryClient().resolve(ref, platform ? { platform } : {});
        return r.digest;
      });
  }

  private registryClient(): RegistryClient {
    this.client ??= new RegistryClient({ timeoutMs: 5_000, retries: 1, ...this.opts.registry });
    return this.client;
  }

  private store(): ImageStore {
    return this.opts.store ?? this.registryClient();
  }

  /** The keys of one key source, read at most once per keyTtlMs. Throws KeySourceError. */
  private loadKeys(source: KeySource, baseDir: string): Promise<PolicyKey[]> {
    const cacheKey = JSON.stringify([source.file ?? null, source.secret ?? null, baseDir]);
    return this.keys.get(cacheKey, async () => loadKeySource(source, baseDir, this.opts.secretsDirs));
  }

  /** Key sources → requirements; a source that cannot be read gives a refusal, not a pass. */
  private async requirements(
    sources: KeySource[],
    baseDir: string,
  ): Promise<{ reqs: KeyedRequirement[] } | { problem: string }> {
    const reqs: KeyedRequirement[] = [];
    const problems: string[] = [];
    for (const source of sources) {
      try {
        reqs.push({ source: describeKeySource(source), keys: await this.loadKeys(source, baseDir) });
      } catch (err) {
        if (!(err instanceof KeySourceError)) throw err;
        problems.push(`cannot read the policy's ${err.message}`);
      }
    }
    return problems.length ? { problem: problems.join("; ") } : { reqs };
  }

  /**
   * Run one verification through a verdict cache; registry failures become a look-up-error
   * verdict (cached as a failure, briefly) and a passed deadline leaves the fact unknown.
   */
  private async verdict<V extends FactVerdict>(
    cache: TtlCache<V>,
    key: string,
    what: string,
    load: () => Promise<V>,
    signal: AbortSignal | undefined,
  ): Promise<V | FactVerdict | undefined> {
    try {
      return await withDeadline(cache.get(key, load), signal, what);
    } catch (err) {
      if (err instanceof DeadlineError) return undefined;
      return {
        ok: false,
        lookupError: true,
        message: `could not verify its ${what}: ${(err as Error).message}`,
      };
    }
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
      ref = parseImageReference(image);
    } catch {
      return {};
    }
    const facts: ImageFacts = {};
    // Exempt images are not judged: nothing to look up.
    if (matchAny(policy.spec.exemptions?.images, ref.name)) return facts;
    // The allow-list first, before any network look-up, whatever the mode.
    if (outsideAllowedRegistries(policy, ref)) {
      facts.digestError = NOT_LOOKED_UP;
      facts.notLookedUp = true;
      return facts;
    }
    try {
      facts.digest = await this.resolveDigest(ref, policy.spec.mutation?.platform, signal);
    } catch (err) {
      facts.digestError = `could not resolve its digest: ${(err as Error).message}`;
      return facts;
    }
    const rules = policy.spec.rules ?? {};
    const digestKey = `${ref.name}@${facts.digest}`;
    const baseDir = policyBaseDir(policy);
    const keySet = (reqs: KeyedRequirement[]) =>
      JSON.stringify(reqs.map((r) => r.keys.map((k) => [k.name, k.fingerprint])));
    const sigEntries = rules.signatures?.keys.filter((k) => matchAny(k.images, ref.name)) ?? [];
    if (sigEntries.length) {
      const got = await this.requirements(
        sigEntries.map((e) => e.key),
        baseDir,
      );
      if ("problem" in got) facts.signature = { ok: false, message: got.problem };
      else {
        const digest = facts.digest;
        facts.signature = await this.verdict(
          this.signatures,
          `${digestKey}|${keySet(got.reqs)}`,
          "signature",
          () => verifySignatures(this.store(), ref.name, digest, got.reqs),
          signal,
        );
      }
    }
    const attEntries = rules.attestations?.require.filter((a) => matchAny(a.images, ref.name)) ?? [];
    if (attEntries.length) {
      facts.attestations = await this.attestationFacts(
        attEntries,
        sigEntries,
        ref,
        facts.digest,
        baseDir,
        signal,
      );
    }
    if (rules.vulnerabilities) {
      facts.vulnerabilities = await this.vulnerabilityFacts(
        rules.vulnerabilities,
        sigEntries,
        ref,
        facts.digest,
        baseDir,
        signal,
        policy.spec.mutation?.platform,
      );
    }
    if (ruleWantsFact(policy, "config", image, ref)) {
      const digest = facts.digest;
      const platform = policy.spec.mutation?.platform;
      facts.config = await this.verdict(
        this.configs,
        `${digestKey}|${platform ?? ""}`,
        "image config",
        () => readImageConfig(this.store(), ref, digest, platform),
        signal,
      );
    }
    return facts;
  }

  /**
   * The vulnerabilities rule's evidence (src/scan/policy-evidence.ts): a scan against the
   * database (SBOM cached by digest), or a verified, fresh vuln attestation. Cached by digest,
   * the rule's settings and the key set; a missing database is a failed look-up, never a pass.
   */
  private async vulnerabilityFacts(
    rule: NonNullable<NonNullable<ImagePolicy["spec"]["rules"]>["vulnerabilities"]>,
    sigEntries: SignatureKeyEntry[],
    ref: Reference,
    digest: string,
    baseDir: string,
    signal: AbortSignal | undefined,
    platform: string | undefined,
  ): Promise<FactVerdict | undefined> {
    const evidence = await import("../scan/policy-evidence.js");
    const settings = JSON.stringify(rule);
    if (rule.evidence === "attestation") {
      const sources = rule.key ? [rule.key] : sigEntries.map((s) => s.key);
      if (!sources.length)
        return {
          ok: false,
          message:
            "its vuln attestation cannot be verified: no key (set spec.rules.vulnerabilities.key, or a spec.rules.signatures key for this image)",
        };
      const got = await this.requirements(sources, baseDir);
      if ("problem" in got) return { ok: false, message: got.problem };
      const keys = got.reqs.flatMap((r) => r.keys);
      const keySet = JSON.stringify(keys.map((k) => [k.name, k.fingerprint]));
      return this.verdict(
        this.scans,
        `${ref.name}@${digest}|attestation|${settings}|${keySet}`,
        "vuln attestation",
        () =>
          evidence.attestationEvidence(this.store(), ref.name, digest, rule, {
            keys: keys.map((k) => ({ name: k.name, key: k.key })),
          }),
        signal,
      );
    }
    const { vulnDbLocation } = await import("../scan/database.js");
    const dbLocation = await vulnDbLocation(this.opts.vulnDb);
    return this.verdict(
      this.scans,
      `${ref.name}@${digest}|scan|${settings}|${dbLocation}`,
      "vulnerability scan",
      () =>
        evidence.scanEvidence(ref.name, digest, rule, {
          dbLocation,
          platform,
          registry: { timeoutMs: 30_000, ...this.opts.registry },
        }),
      signal,
    );
  }

  private async attestationFacts(
    entries: AttestationEntry[],
    sigEntries: SignatureKeyEntry[],
    ref: Reference,
    digest: string,
    baseDir: string,
    signal: AbortSignal | undefined,
  ): Promise<FactVerdict | undefined> {
    const reqs: AttestationRequirement[] = [];
    for (const e of entries) {
      // Attestations are checked with their own key, else with the image's signature keys.
      const sources = e.key ? [e.key] : sigEntries.map((s) => s.key);
      if (!sources.length) {
        return {
          ok: false,
          message: `attestations of type ${e.predicateTypes.join(", ")} cannot be verified: no key for them (set a key on the spec.rules.attestations entry, or a spec.rules.signatures key for this image)`,
        };
      }
      const got = await this.requirements(sources, baseDir);
      if ("problem" in got) return { ok: false, message: got.problem };
      reqs.push({
        source: got.reqs.map((r) => r.source).join(", "),
        keys: got.reqs.flatMap((r) => r.keys),
        predicateTypes: e.predicateTypes,
      });
    }
    const cacheKey = `${ref.name}@${digest}|${JSON.stringify(
      reqs.map((r) => [r.predicateTypes, r.keys.map((k) => [k.name, k.fingerprint])]),
    )}`;
    return this.verdict(
      this.attestations,
      cacheKey,
      "attestations",
      () => verifyAttestations(this.store(), ref.name, digest, reqs),
      signal,
    );
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
