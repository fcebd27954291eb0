/**
 * `audit --dry-run-policy NEW`: what would change if NEW were enforced instead of the current
 * policy. A workload is newly denied when the current policy admits it and NEW would not (the
 * reasons are NEW's enforce-mode violations), newly allowed in the other direction (the reasons
 * are the current violations that NEW no longer enforces).
 */
import type { PolicyEvaluation } from "../policy/engine.js";
import { decisionLine } from "../policy/engine.js";

export interface DryRunChange {
  workload: { kind: string; namespace?: string; name?: string };
  reasons: string[];
}

export interface DryRunResult {
  policy: string;
  newlyDenied: DryRunChange[];
  newlyAllowed: DryRunChange[];
  unchanged: number;
}

function enforced(e: PolicyEvaluation): string[] {
  return e.decisions.filter((d) => d.mode === "enforce" && !d.waived).map(decisionLine);
}

export function compareEvaluations(
  policyFile: string,
  pairs: { current: PolicyEvaluation; next: PolicyEvaluation }[],
): DryRunResult {
  const out: DryRunResult = { policy: policyFile, newlyDenied: [], newlyAllowed: [], unchanged: 0 };
  for (const { current, next } of pairs) {
    const workload = {
      kind: current.object.kind,
      namespace: current.object.namespace,
      name: current.object.name,
    };
    if (current.allowed && !next.allowed) out.newlyDenied.push({ workload, reasons: enforced(next) });
    else if (!current.allowed && next.allowed) {
      const still = new Set(enforced(next));
      out.newlyAllowed.push({ workload, reasons: enforced(current).filter((r) => !still.has(r)) });
    } else out.unchanged++;
  }
  return out;
}
