/**
 * pss-<level>:<check> — spec.rules.podSecurity: the pod must meet the Pod Security Standard at
 * `level` (baseline or restricted) as of `version` (latest or v1.N), evaluated by src/pss (evaluatePodSecurity) with
 * Pod Security Admission's check ids. One violation per failed check.
 */
import { evaluatePodSecurity } from "../../pss/index.js";
import type { PodRule } from "../rule.js";

export const podSecurity: PodRule = {
  id: "pss",
  section: "podSecurity",
  scope: "pod",
  title: "Pod does not meet the Pod Security Standard",
  docs: "Pods must meet the Pod Security Standard named in spec.rules.podSecurity (level baseline or restricted, version latest or v1.N). Findings are pss-<level>:<check id>.",
  explain: (policy) => {
    const ps = policy.spec.rules?.podSecurity;
    return [`pods must meet the Pod Security Standard "${ps?.level}" (version ${ps?.version ?? "latest"})`];
  },
  check({ policy, obj, pod }) {
    const ps = policy.spec.rules?.podSecurity;
    if (!ps || ps.level === "privileged") return [];
    const result = evaluatePodSecurity(obj, { level: ps.level, version: ps.version ?? "latest" });
    return result.violations.map((v) => ({
      rule: `pss-${ps.level}:${v.check}`,
      message: v.message,
      path: v.fields?.[0] ?? pod.podSpecPath,
    }));
  },
};
