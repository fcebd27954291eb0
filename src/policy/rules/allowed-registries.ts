/**
 * image-registry-not-allowed — spec.rules.allowedRegistries.patterns: the image's NORMALISED
 * repository (docker.io/library/nginx for `nginx`) must match one of the patterns. The `lint
 * k8s` rule of the same id with the policy's patterns. Images outside the list are never looked
 * up (inspector.ts), whatever the mode.
 */
import { imageRegistryNotAllowed } from "../../lint/k8s/rules/image-registry-not-allowed.js";
import { lintImageCheck } from "../lint-rule.js";
import { normalisePattern } from "../patterns.js";
import type { ImageRule } from "../rule.js";

export const allowedRegistries: ImageRule = {
  id: imageRegistryNotAllowed.id,
  section: "allowedRegistries",
  scope: "image",
  title: imageRegistryNotAllowed.title,
  docs: imageRegistryNotAllowed.docs,
  explain: (policy) => [
    `images must come from ${(policy.spec.rules?.allowedRegistries?.patterns ?? []).map(normalisePattern).join(", ")} (matched on the normalised name: nginx is docker.io/library/nginx)`,
  ],
  check: (input) => lintImageCheck(imageRegistryNotAllowed, input),
};
