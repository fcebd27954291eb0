/**
 * Which matches a report shows: `--severity` (the severities listed), `--ignore-unfixed` (rows with
 * no fixed version) and ignored ids (an id matches a row by its primary id or any alias). The
 * matcher itself never filters; the scan verb, the policy rule and the tests call this. Not for
 * ignore files, expiry or VEX (the scan verb reads those and passes plain ids).
 */
import type { VulnMatch, VulnSeverity } from "../types.js";

export interface SelectOptions {
  /** Report only these severities (all when absent or empty). */
  severities?: readonly VulnSeverity[];
  ignoreUnfixed?: boolean;
  /** Ids (primary or alias) not to report. */
  ignoreIds?: Iterable<string>;
}

export interface SelectResult {
  kept: VulnMatch[];
  /** Left out, with why: "severity", "unfixed" or "ignored". */
  dropped: { match: VulnMatch; reason: "severity" | "unfixed" | "ignored" }[];
}

export function selectMatches(matches: readonly VulnMatch[], opts: SelectOptions): SelectResult {
  const severities = opts.severities?.length ? new Set(opts.severities) : undefined;
  const ignored = new Set(opts.ignoreIds ?? []);
  const out: SelectResult = { kept: [], dropped: [] };
  for (const match of matches) {
    if (ignored.size && (ignored.has(match.id) || match.aliases.some((a) => ignored.has(a)))) {
      out.dropped.push({ match, reason: "ignored" });
    } else if (opts.ignoreUnfixed && match.fixedVersions.length === 0) {
      out.dropped.push({ match, reason: "unfixed" });
    } else if (severities && !severities.has(match.severity)) {
      out.dropped.push({ match, reason: "severity" });
    } else {
      out.kept.push(match);
    }
  }
  return out;
}
