/** The policy rules, in evaluation (and report) order. Add a rule: add a file and a line here. */
import type { PolicyRule } from "../rule.js";
import { allowedBaseImages } from "./allowed-base-images.js";
import { allowedRegistries } from "./allowed-registries.js";
import { attestations } from "./attestations.js";
import { forbidLatest } from "./forbid-latest.js";
import { podSecurity } from "./pod-security.js";
import { pullSecrets } from "./pull-secrets.js";
import { requireDigest } from "./require-digest.js";
import { requiredAnnotations } from "./required-annotations.js";
import { requiredLabels } from "./required-labels.js";
import { resources } from "./resources.js";
import { signatures } from "./signatures.js";
import { vulnerabilities } from "./vulnerabilities.js";

/** The vulnerability rule (owned by the scanning work) with the facts it needs; it explains itself. */
const vulnerabilityRule: PolicyRule = {
  facts: ["vulnerabilities"],
  ...vulnerabilities,
};

export const POLICY_RULES: PolicyRule[] = [
  allowedRegistries,
  forbidLatest,
  requireDigest,
  pullSecrets,
  signatures,
  attestations,
  vulnerabilityRule,
  requiredLabels,
  allowedBaseImages,
  podSecurity,
  resources,
  requiredAnnotations,
];
