/**
 * `portcullis policy explain`: what a policy enforces, in plain words, one line per rule, with
 * its mode. The rule lines come from the rules themselves (PolicyRule.explain), so they cannot
 * drift from what is evaluated.
 */

import { ruleMode } from "./engine.js";
import { normalisePattern } from "./patterns.js";
import { POLICY_RULES } from "./rules/index.js";
import type { ImagePolicy, RuleMode } from "./types.js";

const MODE_WORDS: Record<RuleMode, string> = {
  enforce: "ENFORCE (deny admission / fail CI)",
  warn: "WARN (admit with a warning / medium finding)",
  audit: "AUDIT (admit, log / low finding)",
};

export function explainPolicy(policy: ImagePolicy, today = new Date()): string {
  const s = policy.spec;
  const r = s.rules ?? {};
  const lines: string[] = [];
  const name = policy.metadata?.name ? ` "${policy.metadata.name}"` : "";
  lines.push(`ImagePolicy${name}`);
  lines.push("");
  lines.push("Where it applies:");
  if (s.namespaceSelector) {
    const sel = [
      ...Object.entries(s.namespaceSelector.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`),
      ...(s.namespaceSelector.matchExpressions ?? []).map(
        (e) => `${e.key} ${e.operator}${e.values?.length ? ` (${e.values.join(", ")})` : ""}`,
      ),
    ];
    lines.push(`  - only namespaces whose labels match: ${sel.join(" and ")}`);
  } else lines.push("  - every namespace");
  if (s.exemptions?.namespaces?.length)
    lines.push(`  - except namespaces ${s.exemptions.namespaces.join(", ")}`);
  if (s.exemptions?.serviceAccounts?.length)
    lines.push(`  - except pods running as service accounts ${s.exemptions.serviceAccounts.join(", ")}`);
  if (s.exemptions?.images?.length)
    lines.push(
      `  - image rules skip images matching ${s.exemptions.images.map(normalisePattern).join(", ")}`,
    );
  if (s.namespaceModeLabel)
    lines.push(
      `  - a namespace label portcullis.dev/mode=enforce|warn|audit can soften every rule's mode there`,
    );
  lines.push("");
  lines.push("Rules:");
  // Each rule says what it enforces (rule.explain), so this text cannot drift from the rules.
  for (const rule of POLICY_RULES) {
    if (!r[rule.section]) continue;
    const mode = MODE_WORDS[ruleMode(policy, rule.section)];
    for (const text of rule.explain?.(policy) ?? [rule.title]) lines.push(`  - [${mode}] ${text}`);
  }
  if (lines[lines.length - 1] === "Rules:") lines.push("  (none: this policy checks nothing)");
  if (s.mutation?.pinDigests || s.mutation?.imagePullPolicy) {
    lines.push("");
    lines.push("Mutation (webhook /mutate):");
    if (s.mutation.pinDigests)
      lines.push("  - image tags are pinned to the digest they point to now (tag kept for readability)");
    if (s.mutation.imagePullPolicy) lines.push(`  - imagePullPolicy is set to ${s.mutation.imagePullPolicy}`);
  }
  if (s.exceptions?.length) {
    lines.push("");
    lines.push("Exceptions:");
    const day = today.toISOString().slice(0, 10);
    for (const x of s.exceptions) {
      const who = `${x.workload.kind ?? "workload"} ${x.workload.namespace ? `${x.workload.namespace}/` : ""}${x.workload.name}`;
      const state = x.expires < day ? `EXPIRED on ${x.expires}, no longer applies` : `until ${x.expires}`;
      lines.push(`  - ${who}: ${x.checks.join(", ")} waived (${x.reason}); ${state}`);
    }
  }
  return `${lines.join("\n")}\n`;
}
