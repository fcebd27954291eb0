/**
 * The shared table of policy cases (test/fixtures/policy/cases/cases.json): the same objects go
 * through `portcullis check` (test/check) and the webhook's /validate (test/webhook), and both
 * must give the verdict written here. Helpers turn each side's output into the same shape.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import type { Finding } from "../../src/report/finding.js";
import { repoRoot } from "../support/shared.js";

export const CASES_DIR = join(repoRoot, "test", "fixtures", "policy", "cases");

export interface CaseExpect {
  allowed: boolean;
  deny: string[];
  warn: string[];
  audit: string[];
  applies?: boolean;
  waived?: string[];
  expiredNote?: boolean;
}

export interface PolicyCase {
  name: string;
  file: string;
  expect: CaseExpect;
}

export const table = JSON.parse(readFileSync(join(CASES_DIR, "cases.json"), "utf8")) as {
  policy: string;
  namespaces: string;
  cases: PolicyCase[];
};

export const POLICY_FILE = join(CASES_DIR, table.policy);
export const NAMESPACES_FILE = join(CASES_DIR, table.namespaces);

/** The objects of a YAML file. */
export function readObjects(file: string): Record<string, unknown>[] {
  return parseAllDocuments(readFileSync(file, "utf8"))
    .map((d) => d.toJS() as Record<string, unknown>)
    .filter(Boolean);
}

export interface Verdict {
  allowed: boolean;
  deny: string[];
  warn: string[];
  audit: string[];
  waived: string[];
  /** rule -> message, for every unwaived decision. */
  messages: Map<string, string[]>;
}

const sorted = (xs: string[]) => [...new Set(xs)].sort();

/** The verdict `check` gives: enforce = high, warn = medium, audit = low; suppressed = waived. */
export function verdictFromFindings(findings: Finding[]): Verdict {
  const live = findings.filter((f) => !f.suppressed);
  const messages = new Map<string, string[]>();
  for (const f of live) messages.set(f.rule, [...(messages.get(f.rule) ?? []), f.message]);
  const deny = sorted(live.filter((f) => f.severity === "high").map((f) => f.rule));
  return {
    allowed: deny.length === 0,
    deny,
    warn: sorted(live.filter((f) => f.severity === "medium").map((f) => f.rule)),
    audit: sorted(live.filter((f) => f.severity === "low").map((f) => f.rule)),
    waived: sorted(findings.filter((f) => f.suppressed).map((f) => f.rule)),
    messages,
  };
}

/** Rule ids from "[rule] message" lines (joined with "; " in denial messages and audit annotations). */
export function rulesOf(lines: string[]): string[] {
  const out: string[] = [];
  for (const l of lines) for (const m of l.matchAll(/(?:^|; )\[([A-Za-z0-9:_-]+)\] /g)) out.push(m[1]);
  return sorted(out);
}

export function expectedVerdict(e: CaseExpect): Omit<Verdict, "messages" | "waived"> {
  return { allowed: e.allowed, deny: sorted(e.deny), warn: sorted(e.warn), audit: sorted(e.audit) };
}
