/**
 * The finding model shared by every check (manifests, Dockerfiles, images, policy) and every
 * reporter. Checks produce findings; reporters render them; neither knows the other.
 */
import type { InputError, ObjectRef, SourceLocation } from "../shared/types.js";

/** Where, what and which input: the shapes every layer shares (defined in src/shared/types.ts). */
export type { InputError, ObjectRef, SourceLocation };

export const SEVERITIES = ["low", "medium", "high", "critical"] as const;
export type Severity = (typeof SEVERITIES)[number];

/** Numeric rank: low 1 … critical 4. */
export function severityRank(s: Severity): number {
  return SEVERITIES.indexOf(s) + 1;
}

export function isSeverity(s: string): s is Severity {
  return (SEVERITIES as readonly string[]).includes(s);
}

export function compareSeverity(a: Severity, b: Severity): number {
  return severityRank(a) - severityRank(b);
}

export interface Finding {
  /** Stable kebab-case rule id, e.g. `image-tag-latest` or `pss-restricted:runAsNonRoot`. */
  rule: string;
  severity: Severity;
  message: string;
  location?: SourceLocation;
  object?: ObjectRef;
  container?: string;
  image?: string;
  fix?: string;
  /** The hadolint id a Dockerfile rule corresponds to. */
  hadolint?: string;
  /** Present when the finding was waived (annotation, inline ignore, config, policy exception). */
  suppressed?: { reason: string };
}

/** An input that could not be read or parsed. Other inputs are still processed. */
/** What a reporter needs to know about a rule (for SARIF rule entries and --list-rules). */
export interface RuleMeta {
  id: string;
  severity: Severity;
  title: string;
  docs: string;
  hadolint?: string;
}

export interface Report {
  tool: { name: string; version: string };
  findings: Finding[];
  errors: InputError[];
  summary: {
    files: number;
    objects: number;
    findings: Record<Severity, number>;
    suppressed?: number;
  };
  /** Metadata of the rules that were run (all of them, not only those that fired). */
  rules?: RuleMeta[];
}

export function emptyCounts(): Record<Severity, number> {
  return { critical: 0, high: 0, medium: 0, low: 0 };
}

/** Build a report with a computed summary; suppressed findings are not counted. */
export function buildReport(input: {
  toolVersion: string;
  findings: Finding[];
  errors?: InputError[];
  files: number;
  objects: number;
  rules?: RuleMeta[];
}): Report {
  const counts = emptyCounts();
  let suppressed = 0;
  for (const f of input.findings) {
    if (f.suppressed) suppressed++;
    else counts[f.severity]++;
  }
  const findings = [...input.findings].sort(compareFindings);
  return {
    tool: { name: "portcullis", version: input.toolVersion },
    findings,
    errors: input.errors ?? [],
    summary: { files: input.files, objects: input.objects, findings: counts, suppressed },
    rules: input.rules,
  };
}

/** Order: file, line, column, then most severe first, then rule id. */
export function compareFindings(a: Finding, b: Finding): number {
  const fa = a.location?.file ?? "";
  const fb = b.location?.file ?? "";
  if (fa !== fb) return fa < fb ? -1 : 1;
  const la = a.location?.line ?? 0;
  const lb = b.location?.line ?? 0;
  if (la !== lb) return la - lb;
  const ca = a.location?.column ?? 0;
  const cb = b.location?.column ?? 0;
  if (ca !== cb) return ca - cb;
  const s = compareSeverity(b.severity, a.severity);
  if (s !== 0) return s;
  return a.rule < b.rule ? -1 : a.rule > b.rule ? 1 : 0;
}

/** Exit status by the contracts: 2 when any input failed, else 1 when a finding is at/above failOn. */
export function exitCodeFor(report: Report, failOn: Severity | "none"): 0 | 1 | 2 {
  if (report.errors.length > 0) return 2;
  if (failOn === "none") return 0;
  const threshold = severityRank(failOn);
  return report.findings.some((f) => !f.suppressed && severityRank(f.severity) >= threshold) ? 1 : 0;
}
