/**
 * One severity per reported vulnerability, chosen from everything the matched records say, in
 * this order (the first source that gives a rating wins; docs/scan-matching.md explains why):
 * 1. the distribution's own rating, for OS packages: Debian tracker urgency
 *    (`affected[].database_specific.urgency`; `unimportant` → negligible, NVD's `**` suffix
 *    stripped, `not yet assigned` and `end-of-life` give no rating), Ubuntu priority
 *    (`severity[].type: "Ubuntu"`), the Red Hat-style impact that AlmaLinux and Rocky Linux errata
 *    put before their summary (`Moderate: openssl security update`: Critical, Important → high,
 *    Moderate → medium, Low);
 * 2. the GitHub advisory database's rating (`database_specific.severity` of a GHSA record, or of
 *    any record from a feed named "ghsa");
 * 3. a CVSS base score computed from the vectors: v3.x first, then v4.0, then v2;
 * 4. otherwise `unknown`.
 * The CVSS vector reported beside the severity is the best one present even when the rating came
 * from 1 or 2. Not for the scores themselves (./cvss.ts).
 */
import type { OsvAffected, OsvRecord, OsvSeverity } from "../../vulndb/types.js";
import type { VulnSeverity } from "../types.js";
import { type CvssScore, cvssBaseScore, cvssRating } from "./cvss.js";

export interface SeverityEvidence {
  record: OsvRecord;
  /** The affected entry that matched the package. */
  affected: OsvAffected;
  /** Whether the package is an OS package (distribution ratings apply). */
  distro: boolean;
  /** The feed the record came from (StoredRecord.source); "ghsa" marks GitHub's own ratings. */
  source?: string;
}

export interface ChosenSeverity {
  severity: VulnSeverity;
  severitySource?: string;
  cvss?: { version: string; vector: string; score: number };
}

const DEBIAN_URGENCY: Record<string, VulnSeverity> = {
  unimportant: "negligible",
  low: "low",
  medium: "medium",
  high: "high",
};

/** A Debian tracker urgency as a severity (undefined: no rating, e.g. "not yet assigned"). */
export function debianUrgencySeverity(urgency: string): VulnSeverity | undefined {
  return DEBIAN_URGENCY[urgency.trim().replace(/\*+$/, "").trim().toLowerCase()];
}

const UBUNTU_PRIORITY: Record<string, VulnSeverity> = {
  negligible: "negligible",
  low: "low",
  medium: "medium",
  high: "high",
  critical: "critical",
};

const GHSA_SEVERITY: Record<string, VulnSeverity> = {
  critical: "critical",
  high: "high",
  moderate: "medium",
  medium: "medium",
  low: "low",
};

/** GHSA `database_specific.severity` (CRITICAL, HIGH, MODERATE, LOW) as a severity. */
export function ghsaSeverity(label: string): VulnSeverity | undefined {
  return GHSA_SEVERITY[label.trim().toLowerCase()];
}

const CVSS_PREFERENCE: Record<string, number> = { "3.1": 0, "3.0": 1, "4.0": 2, "2.0": 3 };

function severities(e: SeverityEvidence): OsvSeverity[] {
  return [...(e.affected.severity ?? []), ...(e.record.severity ?? [])];
}

function bestCvss(evidence: readonly SeverityEvidence[]): CvssScore | undefined {
  let best: CvssScore | undefined;
  for (const e of evidence) {
    for (const s of severities(e)) {
      if (!/^CVSS_V[234]$/.test(s.type) || typeof s.score !== "string") continue;
      const scored = cvssBaseScore(s.score);
      if (!scored) continue;
      if (
        !best ||
        CVSS_PREFERENCE[scored.version] < CVSS_PREFERENCE[best.version] ||
        (CVSS_PREFERENCE[scored.version] === CVSS_PREFERENCE[best.version] && scored.score > best.score)
      ) {
        best = scored;
      }
    }
  }
  return best;
}

const ERRATA_IMPACT: Record<string, VulnSeverity> = {
  critical: "critical",
  important: "high",
  moderate: "medium",
  low: "low",
};

/** `Important: kernel security update` → high; undefined without such a prefix. */
export function errataImpactSeverity(summary: string): VulnSeverity | undefined {
  const m = /^\s*(Critical|Important|Moderate|Low)\s*:/i.exec(summary);
  return m ? ERRATA_IMPACT[m[1].toLowerCase()] : undefined;
}

function distroRating(evidence: readonly SeverityEvidence[]): ChosenSeverity | undefined {
  for (const e of evidence) {
    if (!e.distro) continue;
    const urgency = e.affected.database_specific?.urgency;
    if (typeof urgency === "string") {
      const s = debianUrgencySeverity(urgency);
      if (s) return { severity: s, severitySource: "debian-urgency" };
    }
    for (const s of severities(e)) {
      if (s.type !== "Ubuntu" || typeof s.score !== "string") continue;
      const rated = UBUNTU_PRIORITY[s.score.trim().toLowerCase()];
      if (rated) return { severity: rated, severitySource: "ubuntu-priority" };
    }
    const eco = e.affected.package?.ecosystem ?? "";
    if (/^(AlmaLinux|Rocky Linux):/.test(eco) && typeof e.record.summary === "string") {
      const s = errataImpactSeverity(e.record.summary);
      if (s) return { severity: s, severitySource: "errata-impact" };
    }
  }
  return undefined;
}

function ghsaRating(evidence: readonly SeverityEvidence[]): ChosenSeverity | undefined {
  for (const e of evidence) {
    const label = e.record.database_specific?.severity;
    const fromGhsa = e.record.id.startsWith("GHSA-") || e.source === "ghsa";
    if (!fromGhsa || typeof label !== "string") continue;
    const s = ghsaSeverity(label);
    if (s) return { severity: s, severitySource: "ghsa" };
  }
  return undefined;
}

/** The severity of one reported vulnerability from the records merged into it. */
export function chooseSeverity(evidence: readonly SeverityEvidence[]): ChosenSeverity {
  const cvss = bestCvss(evidence);
  const cvssField = cvss ? { cvss: { version: cvss.version, vector: cvss.vector, score: cvss.score } } : {};
  const rated = distroRating(evidence) ?? ghsaRating(evidence);
  if (rated) return { ...rated, ...cvssField };
  if (cvss)
    return {
      severity: cvssRating(cvss.version, cvss.score),
      severitySource: `cvss-v${cvss.version}`,
      ...cvssField,
    };
  return { severity: "unknown" };
}
