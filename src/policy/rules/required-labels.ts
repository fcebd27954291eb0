/**
 * image-label-required — spec.rules.requiredLabels: an image (those matching `images`, default
 * every image) must carry each listed label in its config (`config.Labels`, what a Dockerfile's
 * LABEL or `--label` writes), with a non-empty value that matches the entry's `value` pattern
 * when one is set (patterns.ts matchValue: `*` within a `/`-segment, `**` anything). Reads the
 * image-config look-up (image-config.ts): without it, or when it failed, the rule says it could
 * not check, never a pass.
 */
import { matchAny, matchValue, normalisePattern } from "../patterns.js";
import type { ImageRule, Violation } from "../rule.js";
import { lookupProblem } from "./lookup-problem.js";

/** A value in a message: quoted, and cut when long (labels are written by whoever builds the image). */
export function shown(value: string): string {
  return JSON.stringify(value.length > 120 ? `${value.slice(0, 120)}…` : value);
}

export const requiredLabels: ImageRule = {
  id: "image-label-required",
  section: "requiredLabels",
  scope: "image",
  title: "Image lacks a required label",
  docs: "Images (those matching spec.rules.requiredLabels.images, default every image) must carry each label of spec.rules.requiredLabels.labels in their config, non-empty and matching its value pattern when one is set (e.g. org.opencontainers.image.source matching https://github.com/my-org/*). Needs image look-ups.",
  facts: ["config"],
  explain(policy) {
    const r = policy.spec.rules?.requiredLabels;
    if (!r) return [];
    const who = r.images?.length
      ? `images matching ${r.images.map(normalisePattern).join(", ")}`
      : "every image";
    return r.labels.map(
      (l) =>
        `${who} must carry the config label ${l.key}${l.value === undefined ? " (any non-empty value)" : ` with a value matching "${l.value}"`}`,
    );
  },
  check(input) {
    const r = input.policy.spec.rules?.requiredLabels;
    if (!r || (r.images && !matchAny(r.images, input.ref.name))) return [];
    const fact = input.facts?.config;
    const problem = lookupProblem(input, "image config (labels)", fact);
    if (problem) return [{ rule: this.id, message: problem, path: input.path }];
    const labels = fact?.labels ?? {};
    const out: Violation[] = [];
    for (const l of r.labels) {
      const value = labels[l.key];
      const head = `${input.subject} uses image ${input.image}: label ${l.key}`;
      if (!value) {
        out.push({
          rule: this.id,
          message: `${head} is ${value === undefined ? "missing from" : "empty in"} its image config`,
          path: input.path,
          fix: `build the image with LABEL ${l.key}=…${l.value === undefined ? "" : ` (matching "${l.value}")`}`,
        });
      } else if (!matchValue(l.value, value)) {
        out.push({
          rule: this.id,
          message: `${head} is ${shown(value)}, which does not match "${l.value}"`,
          path: input.path,
          fix: `build the image with LABEL ${l.key} matching "${l.value}"`,
        });
      }
    }
    return out;
  },
};
