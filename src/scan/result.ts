/**
 * The result of `portcullis scan` and of the policy's scan evidence: the matcher's rows
 * (src/scan/match) with where each package came from (layer, history entry, Dockerfile line),
 * which rows were suppressed and why (ignore file, VEX, --ignore-unfixed, policy ignores), and
 * the notes of the matcher and the database. The reports (src/scan/report) render this value.
 * Not for: matching (src/scan/match) or storage (src/vulndb).
 */
import type { CatalogError } from "../catalog/index.js";
import type { MatchNote, VulnMatch, VulnSeverity } from "./types.js";

export const VULN_SEVERITIES: readonly VulnSeverity[] = [
  "unknown",
  "negligible",
  "low",
  "medium",
  "high",
  "critical",
];

/** Order used by --fail-on and maxSeverity: unknown < negligible < low < … < critical (as Trivy and Grype). */
export function vulnRank(s: VulnSeverity): number {
  return VULN_SEVERITIES.indexOf(s);
}

export function isVulnSeverity(s: string): s is VulnSeverity {
  return (VULN_SEVERITIES as readonly string[]).includes(s);
}

/** The layer that introduced a package (the bottom-most layer that holds it). */
export interface LayerOrigin {
  index: number;
  digest: string;
  diffId?: string;
  /** The image history entry of that layer (`created_by`), when history lines up with the layers. */
  createdBy?: string;
}

/** The Dockerfile instruction that produced the layer (with --dockerfile). */
export interface DockerfileOrigin {
  file: string;
  line: number;
  /** The instruction as written on that line, shortened (`FROM alpine:3.18`). */
  instruction: string;
  /** The layer came from the base image (attributed to the FROM line). */
  baseImage: boolean;
}

export interface Suppression {
  by: "ignore-file" | "vex" | "ignore-unfixed" | "policy";
  reason: string;
  /** Where the statement is (`.portcullisignore:4`, `vex.json`). */
  source?: string;
}

export interface ScanFinding extends VulnMatch {
  /** The target the package belongs to: "os" or "<type> <file>" (e.g. "npm /app/package-lock.json"). */
  target: string;
  layer?: LayerOrigin;
  dockerfile?: DockerfileOrigin;
  suppressed?: Suppression;
}

export interface ScanNote extends MatchNote {}

export interface ScanResult {
  artifact: {
    reference: string;
    digest?: string;
    os?: { family: string; version: string; name?: string };
  };
  /** Packages that were matched. */
  packages: number;
  /** Rows shown (after --severity), suppressed ones included with `suppressed` set. */
  vulnerabilities: ScanFinding[];
  /** Rows left out by --severity (counted, not shown). */
  hiddenBySeverity: number;
  notes: ScanNote[];
  /** Cataloger problems (unreadable files) carried from the image read. */
  errors: CatalogError[];
  database?: { location: string; updatedAt?: string };
  startedAt: string;
  finishedAt: string;
}

/** The rows that count (not suppressed). */
export function activeFindings(result: ScanResult): ScanFinding[] {
  return result.vulnerabilities.filter((v) => !v.suppressed);
}

/** Whether any active row is at or above `failOn`. */
export function failsAt(result: ScanResult, failOn: VulnSeverity | "none"): boolean {
  if (failOn === "none") return false;
  const t = vulnRank(failOn);
  return activeFindings(result).some((v) => vulnRank(v.severity) >= t);
}

export function countBySeverity(findings: ScanFinding[]): Record<VulnSeverity, number> {
  const out = Object.fromEntries(VULN_SEVERITIES.map((s) => [s, 0])) as Record<VulnSeverity, number>;
  for (const f of findings) out[f.severity]++;
  return out;
}
