/**
 * What the matcher (src/scan/match) gives the scan verb, the reports and the policy rule.
 * Not for: storage (src/vulndb) or output formats (src/scan/report).
 */
import type { Package } from "../catalog/types.js";

export type VulnSeverity = "critical" | "high" | "medium" | "low" | "negligible" | "unknown";

export interface VulnMatch {
  /** Primary id (CVE when the record is known by one, else the record id; see docs/scan.md). */
  id: string;
  /** Every other id the vulnerability is known by (GHSA, PYSEC, GO, distro ids), sorted. */
  aliases: string[];
  /** The catalog package (its own name and version, not the source package). */
  package: Package;
  /** Fixed versions that apply to the installed version (empty: no fix yet). */
  fixedVersions: string[];
  severity: VulnSeverity;
  /** Where the severity came from: "cvss-v3.1", "cvss-v4.0", "ghsa", "debian-urgency", … */
  severitySource?: string;
  cvss?: { version: string; vector: string; score: number };
  /** The feed(s) that matched: "osv", "alpine-secdb", "debian-tracker". */
  source: string;
  summary?: string;
  /** Distro status when it matters: "end-of-life", "open". */
  status?: string;
}

export interface MatchNote {
  level: "info" | "warning";
  message: string;
}

export interface MatchResult {
  vulnerabilities: VulnMatch[];
  /** e.g. "no vulnerability data for Alpine v3.99", "Debian 9 is end-of-life". */
  notes: MatchNote[];
}
