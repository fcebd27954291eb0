/**
 * image-signature — spec.rules.signatures.keys: an image matching an entry's `images` patterns
 * must carry a valid cosign signature, over its digest, by that entry's key. The inspector
 * verifies (src/policy/verification.ts); without look-ups, or when a look-up failed, this rule
 * reports that it could not verify, never a pass.
 */
import { matchAny } from "../patterns.js";
import type { ImageRule } from "../rule.js";
import { keyWords, lookupProblem } from "./lookup-problem.js";

export const signatures: ImageRule = {
  id: "image-signature",
  section: "signatures",
  scope: "image",
  title: "Image signature missing or not verified",
  docs: "Images matching spec.rules.signatures.keys[].images must be signed (cosign-compatible) by the listed key, over the digest they resolve to. Verdicts are cached by digest and key set, never by tag.",
  facts: ["signature"],
  explain: (policy) =>
    (policy.spec.rules?.signatures?.keys ?? []).map(
      (k) =>
        `images matching ${k.images.join(", ")} must carry a cosign signature, over the digest they resolve to, that verifies with ${keyWords(k.key)}`,
    ),
  check(input) {
    const entries = input.policy.spec.rules?.signatures?.keys.filter((k) =>
      matchAny(k.images, input.ref.name),
    );
    if (!entries?.length) return [];
    const problem = lookupProblem(input, "signature", input.facts?.signature);
    return problem ? [{ rule: this.id, message: problem, path: input.path }] : [];
  },
};
