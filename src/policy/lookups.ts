/**
 * Which image look-ups a policy needs, read from the rules' declared facts (rule.facts), so that
 * `check --images`, the webhook and `audit` gather facts for every rule registered in
 * rules/index.ts without naming them: a rule added there is looked up for everywhere.
 */
import type { Reference } from "../reference/index.js";
import type { FactName, ImageFacts } from "./rule.js";
import { POLICY_RULES } from "./rules/index.js";
import type { ImagePolicy } from "./types.js";

/** Does any configured rule of the policy read an image look-up? */
export function policyNeedsLookups(policy: ImagePolicy): boolean {
  return POLICY_RULES.some((r) => r.facts?.length && policy.spec.rules?.[r.section]);
}

/**
 * Would a configured image rule that reads `fact` judge this image? Asked by running the rule
 * without look-ups: it reports that it could not check exactly when it would need the fact.
 */
export function ruleWantsFact(policy: ImagePolicy, fact: FactName, image: string, ref: Reference): boolean {
  return POLICY_RULES.some(
    (r) =>
      r.scope === "image" &&
      r.facts?.includes(fact) &&
      policy.spec.rules?.[r.section] &&
      r.check({ policy, image, ref, subject: image, lookups: false }).length > 0,
  );
}

/** The failed look-ups among one image's facts (registry unreachable, auth refused): one line each. */
export function factLookupFailures(image: string, facts: ImageFacts): string[] {
  const out: string[] = [];
  if (facts.digestError && !facts.notLookedUp) out.push(`${image}: ${facts.digestError}`);
  for (const v of [facts.signature, facts.attestations, facts.vulnerabilities, facts.config])
    if (v?.lookupError) out.push(`${image}: ${v.message}`);
  return out;
}
