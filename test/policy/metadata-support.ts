/**
 * Helpers for the metadata rules' tables (required labels, required annotations, allowed base
 * images): a policy from its rules section, and one image judged through the engine
 * (evaluatePolicy) with a given image-config fact, as check --images and the webhook pass it.
 */
import { evaluatePolicy, type PolicyEvaluation } from "../../src/policy/engine.js";
import { parsePolicy } from "../../src/policy/load.js";
import type { ImageConfigFact } from "../../src/policy/rule.js";
import type { ImagePolicy } from "../../src/policy/types.js";

/** A policy whose spec.rules is the given YAML (indented under `rules:`). */
export function policyWith(rules: string): ImagePolicy {
  return parsePolicy(
    `apiVersion: portcullis.dev/v1alpha1\nkind: ImagePolicy\nspec:\n  rules:\n${rules.replace(/^/gm, "    ")}\n`,
  ).policy;
}

export function podWith(image: string, annotations?: Record<string, string>): Record<string, unknown> {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "p", namespace: "apps", ...(annotations ? { annotations } : {}) },
    spec: { containers: [{ name: "app", image }] },
  };
}

/** A config fact as the inspector gives it after reading the image. */
export function configFact(
  labels: Record<string, string> = {},
  annotations: Record<string, string> = {},
  history = 3,
): ImageConfigFact {
  return {
    ok: true,
    message: "image config read",
    labels,
    annotations,
    history: Array.from({ length: history }, (_, i) => ({ createdBy: `RUN step ${i}`, emptyLayer: false })),
  };
}

/** Judge one pod running `image` whose config fact is `fact` (undefined: look-ups made, no fact). */
export function judge(policy: ImagePolicy, image: string, fact?: ImageConfigFact): PolicyEvaluation {
  const digest = `sha256:${"a".repeat(64)}`;
  return evaluatePolicy(policy, podWith(image), {
    facts: new Map([[image, { digest, ...(fact ? { config: fact } : {}) }]]),
    lookups: true,
  });
}

/** "rule: message" of each decision, in order. */
export const lines = (e: PolicyEvaluation) => e.decisions.map((d) => `${d.rule}: ${d.message}`);
