/**
 * workload-annotation-required — spec.rules.requiredAnnotations: the pod metadata must carry
 * each listed annotation, non-empty and matching the entry's `value` pattern when one is set
 * (patterns.ts matchValue). "Pod metadata" is a Pod's own metadata and a workload's pod template
 * metadata (`spec.template.metadata`, a CronJob's `spec.jobTemplate.spec.template.metadata`):
 * the one place that reaches every pod the workload makes, so the webhook judges a Deployment,
 * its ReplicaSets and its Pods alike. The object's own metadata.annotations are not read: the
 * controllers do not copy them to pods. No look-up: `check` judges it without --images.
 */
import { matchValue } from "../patterns.js";
import type { PodRule, Violation } from "../rule.js";
import { shown } from "./required-labels.js";

export const requiredAnnotations: PodRule = {
  id: "workload-annotation-required",
  section: "requiredAnnotations",
  scope: "pod",
  title: "Pod metadata lacks a required annotation",
  docs: "The pod's metadata (a Pod's own, a workload's pod template's) must carry each annotation of spec.rules.requiredAnnotations.annotations, non-empty and matching its value pattern when one is set. The workload object's own annotations are not read: they do not reach its pods.",
  explain(policy) {
    return (policy.spec.rules?.requiredAnnotations?.annotations ?? []).map(
      (a) =>
        `pods (a Pod's metadata, a workload's pod template metadata) must carry the annotation ${a.key}${a.value === undefined ? " (any non-empty value)" : ` with a value matching "${a.value}"`}`,
    );
  },
  check({ policy, obj, pod }) {
    const r = policy.spec.rules?.requiredAnnotations;
    if (!r) return [];
    const where = obj.kind === "Pod" ? "the pod's metadata" : "the pod template's metadata";
    const out: Violation[] = [];
    for (const a of r.annotations) {
      const value = pod.podAnnotations[a.key];
      const present = typeof value === "string" && value !== "";
      if (present && matchValue(a.value, value)) continue;
      const annotations = [...pod.podMetadataPath, "annotations"];
      out.push({
        rule: this.id,
        message: !present
          ? `${where} has ${value === undefined ? "no" : "an empty"} annotation ${a.key}`
          : `${where} has annotation ${a.key} ${shown(value)}, which does not match "${a.value}"`,
        path: value === undefined ? annotations : [...annotations, a.key],
        fix: `set ${a.key}${a.value === undefined ? "" : ` (matching "${a.value}")`} under ${pod.podMetadataPath.join(".")}.annotations`,
      });
    }
    return out;
  },
};
