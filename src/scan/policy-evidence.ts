/**
 * The policy's `vulnerabilities` rule evidence for one image digest, as a FactVerdict:
 * - `scan`: the image's SBOM (cached by digest, see sbom-cache.ts) matched against the
 *   vulnerability database now; a missing or unreachable database is a failed look-up (the
 *   image is refused, never allowed silently);
 * - `attestation`: a cosign `vuln` attestation on the digest, verified with the policy's keys,
 *   finished no longer than `maxAge` ago; its rows are judged by the same limit.
 * Either way: rows above maxSeverity fail (maxSeverity `none`: any row), `ignoreUnfixed` leaves
 * out rows without a fix, `ignore` entries (id or alias, optional package, reason, expiry) leave
 * out the ids they name until they expire. Unknown/negligible severities rank below low.
 */
import type { CatalogResult } from "../catalog/index.js";
import { durationMs } from "../shared/duration.js";
import type { ImageStore } from "../sign/image-signing.js";
import type { AttestedRow } from "./attestation.js";
import { readVulnPredicate, VULN_PREDICATE_TYPE } from "./attestation.js";
import { openScanDatabase } from "./database.js";
import { globMatch } from "./glob.js";
import { type IgnoreEntry, isExpired } from "./ignore-file.js";
import { vulnRank } from "./result.js";

export interface VulnPolicyIgnore {
  id: string;
  reason?: string;
  expires?: string;
  package?: string;
}

export interface VulnPolicy {
  maxSeverity: "none" | "low" | "medium" | "high" | "critical";
  ignoreUnfixed?: boolean;
  ignore?: (string | VulnPolicyIgnore)[];
  evidence?: "scan" | "attestation";
  /** For attestation evidence: e.g. `24h`, `7d`. Default 7d. */
  maxAge?: string;
}

export interface Verdict {
  ok: boolean;
  lookupError?: boolean;
  message: string;
}

export function policyIgnores(v: VulnPolicy): IgnoreEntry[] {
  return (v.ignore ?? []).map((e) =>
    typeof e === "string"
      ? { id: e, reason: "listed in spec.rules.vulnerabilities.ignore", source: "policy" }
      : {
          id: e.id,
          package: e.package,
          reason: e.reason ?? "listed in the policy",
          expires: e.expires,
          source: "policy",
        },
  );
}

/** Judge rows against the limit: the verdict and its message. */
export function judge(rows: AttestedRow[], v: VulnPolicy, now: Date, what: string): Verdict {
  const ignores = policyIgnores(v);
  const limit = v.maxSeverity === "none" ? -1 : vulnRank(v.maxSeverity);
  const expired = new Set<string>();
  const over = rows.filter((r) => {
    if (v.ignoreUnfixed && !r.fixed) return false;
    if (vulnRank(r.severity) <= limit) return false;
    for (const e of ignores) {
      if (e.id !== r.id && !r.aliases.includes(e.id)) continue;
      if (e.package && !globMatch(e.package, r.packageName) && !globMatch(e.package, r.purl.split("@")[0]))
        continue;
      if (isExpired(e.expires, now)) {
        expired.add(`${e.id} (expired ${e.expires})`);
        continue;
      }
      return false;
    }
    return true;
  });
  const limitText =
    v.maxSeverity === "none" ? "the policy allows none" : `the policy allows up to ${v.maxSeverity}`;
  if (!over.length) return { ok: true, message: `${what}: no vulnerability above the limit (${limitText})` };
  over.sort((a, b) => vulnRank(b.severity) - vulnRank(a.severity));
  const ids = [...new Set(over.map((r) => `${r.id} (${r.severity}, ${r.packageName})`))];
  const shown = ids.slice(0, 5).join(", ") + (ids.length > 5 ? `, and ${ids.length - 5} more` : "");
  const exp = expired.size ? `; ignore entries expired: ${[...expired].join(", ")}` : "";
  return {
    ok: false,
    message: `${what}: ${ids.length} vulnerabilit${ids.length === 1 ? "y" : "ies"} above the limit (${limitText}): ${shown}${exp}`,
  };
}

export interface ScanEvidenceOptions {
  dbLocation: string;
  platform?: string;
  registry?: import("../registry/index.js").RegistryClientOptions;
  now?: Date;
  /** Read the image (tests inject); default catalogImage. */
  catalog?: (image: string) => Promise<CatalogResult>;
}

/** Evidence (a): scan `repo@digest` now. */
export async function scanEvidence(
  repo: string,
  digest: string,
  v: VulnPolicy,
  opts: ScanEvidenceOptions,
): Promise<Verdict> {
  let store: Awaited<ReturnType<typeof openScanDatabase>>;
  try {
    store = await openScanDatabase(opts.dbLocation);
  } catch (err) {
    return { ok: false, lookupError: true, message: `cannot scan it: ${(err as Error).message}` };
  }
  try {
    const { SbomCache, sbomCachePath } = await import("./sbom-cache.js");
    const cache = await SbomCache.open(sbomCachePath(opts.dbLocation));
    try {
      let catalog = cache?.get(digest, opts.platform);
      if (!catalog) {
        const image = `${repo}@${digest}`;
        if (opts.catalog) catalog = await opts.catalog(image);
        else {
          const { catalogImage } = await import("../catalog/index.js");
          catalog = await catalogImage(image, { platform: opts.platform, registry: opts.registry });
        }
        cache?.put(digest, catalog, opts.platform);
      }
      const { scanCatalog } = await import("./scan.js");
      const result = await scanCatalog(catalog, store, { now: opts.now });
      const rows: AttestedRow[] = result.vulnerabilities.map((f) => ({
        id: f.id,
        aliases: f.aliases,
        packageName: f.package.name,
        purl: f.package.purl,
        severity: f.severity,
        fixed: f.fixedVersions.length > 0,
      }));
      const noData = result.notes.filter((n) => n.level === "warning").map((n) => n.message);
      const verdict = judge(rows, v, opts.now ?? new Date(), `scan of ${digest.slice(0, 19)}…`);
      if (verdict.ok && noData.length) verdict.message += ` (${noData.join("; ")})`;
      return verdict;
    } finally {
      cache?.close();
    }
  } finally {
    await store.close();
  }
}

export interface AttestationEvidenceOptions {
  keys: { name: string; key: import("node:crypto").KeyObject }[];
  now?: Date;
}

/** Evidence (b): the newest verified vuln attestation, fresh enough, judged by the limit. */
export async function attestationEvidence(
  store: ImageStore,
  repo: string,
  digest: string,
  v: VulnPolicy,
  opts: AttestationEvidenceOptions,
): Promise<Verdict> {
  const now = opts.now ?? new Date();
  const maxAgeMs = durationMs(v.maxAge ?? "7d") ?? 7 * 864e5;
  const { verifyImageAttestations } = await import("../sign/image-verification.js");
  const [result] = await verifyImageAttestations(store, `${repo}@${digest}`, {
    policy: { keys: opts.keys },
    predicateType: VULN_PREDICATE_TYPE,
  });
  const keyNames = opts.keys.map((k) => k.name).join(", ");
  const scans = result.statements
    .filter((s) => s.predicateType === VULN_PREDICATE_TYPE)
    .map((s) => readVulnPredicate(s.predicate));
  const good = scans.filter((s): s is { finishedOn: Date; rows: AttestedRow[] } => !("problem" in s));
  if (!good.length) {
    const why = scans.length
      ? (scans[0] as { problem: string }).problem
      : result.verdicts.length
        ? `no vuln attestation verifies with ${keyNames} (${result.verdicts
            .filter((x) => !x.verified)
            .map((x) => x.reason)
            .join("; ")})`
        : `no vuln attestation found for digest ${digest}`;
    return { ok: false, message: `the policy requires a signed vuln attestation: ${why}` };
  }
  good.sort((a, b) => b.finishedOn.getTime() - a.finishedOn.getTime());
  const newest = good[0];
  const age = now.getTime() - newest.finishedOn.getTime();
  if (age > maxAgeMs)
    return {
      ok: false,
      message: `its newest vuln attestation is from ${newest.finishedOn.toISOString()}, older than maxAge ${v.maxAge ?? "7d"}; scan it again and attest (portcullis scan IMAGE --attest --key …)`,
    };
  return judge(newest.rows, v, now, `vuln attestation of ${newest.finishedOn.toISOString()}`);
}
