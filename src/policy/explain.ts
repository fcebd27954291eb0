/**
 * `portcullis policy explain`: what a policy enforces, in plain words, one line per rule, with
 * its mode. Generated from the policy itself, so it cannot drift from what is evaluated.
 */

import { ruleMode } from "./engine.js";
import { normalisePattern } from "./patterns.js";
import type { ImagePolicy, KeySource, PolicyRules, RuleMode } from "./types.js";

function keyWords(k: KeySource): string {
  if (k.file) return `the key in ${k.file}`;
  return `the key in Secret ${k.secret?.namespace}/${k.secret?.name} (entry ${k.secret?.key ?? "cosign.pub"})`;
}

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
  const rule = (section: keyof PolicyRules, text: string) =>
    lines.push(`  - [${MODE_WORDS[ruleMode(policy, section)]}] ${text}`);
  if (r.allowedRegistries)
    rule(
      "allowedRegistries",
      `images must come from ${r.allowedRegistries.patterns.map(normalisePattern).join(", ")} (matched on the normalised name: nginx is docker.io/library/nginx)`,
    );
  if (r.forbidLatest)
    rule("forbidLatest", "images must not use the tag latest or no tag, unless pinned by digest");
  if (r.requireDigest) rule("requireDigest", "images must be pinned by digest (name:tag@sha256:…)");
  if (r.signatures)
    for (const k of r.signatures.keys)
      rule(
        "signatures",
        `images matching ${k.images.join(", ")} must carry a cosign signature, over the digest they resolve to, that verifies with ${keyWords(k.key)}`,
      );
  if (r.attestations)
    for (const a of r.attestations.require)
      rule(
        "attestations",
        `images matching ${a.images.join(", ")} must carry attestations of type ${a.predicateTypes.join(", ")} signed by ${a.key ? keyWords(a.key) : "the image's signature key(s) from spec.rules.signatures"}`,
      );
  if (r.vulnerabilities)
    rule(
      "vulnerabilities",
      r.vulnerabilities.maxSeverity === "none"
        ? "images must have no known vulnerability"
        : `images must have no vulnerability above ${r.vulnerabilities.maxSeverity}${r.vulnerabilities.ignoreUnfixed ? " (vulnerabilities without a fix are ignored)" : ""}`,
    );
  if (r.podSecurity)
    rule(
      "podSecurity",
      `pods must meet the Pod Security Standard "${r.podSecurity.level}" (version ${r.podSecurity.version ?? "latest"})`,
    );
  if (r.resources) {
    const parts = [
      r.resources.requests?.length ? `requests for ${r.resources.requests.join(", ")}` : "",
      r.resources.limits?.length ? `limits for ${r.resources.limits.join(", ")}` : "",
    ].filter(Boolean);
    rule("resources", `every container must set ${parts.join(" and ") || "(nothing listed)"}`);
  }
  if (r.pullSecrets)
    rule(
      "pullSecrets",
      `pods pulling from ${r.pullSecrets.privateRegistries.join(", ")} must list imagePullSecrets`,
    );
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
