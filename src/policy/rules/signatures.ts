/**
 * image-signature — spec.rules.signatures.keys: an image matching an entry's `images` patterns
 * must carry a valid signature by that entry's key. Verification needs the image's digest and
 * the signing module; without them this rule reports that it could not verify, never a pass.
 */
import { matchAny } from "../patterns.js";
import type { ImageRule } from "../rule.js";
import { lookupProblem } from "./lookup-problem.js";

export const signatures: ImageRule = {
  id: "image-signature",
  section: "signatures",
  scope: "image",
  title: "Image signature missing or not verified",
  docs: "Images matching spec.rules.signatures.keys[].images must be signed (cosign-compatible) by the listed key. Verdicts are cached by digest, never by tag.",
  check(input) {
    const entries = input.policy.spec.rules?.signatures?.keys.filter((k) =>
      matchAny(k.images, input.ref.name),
    );
    if (!entries?.length) return [];
    const problem = lookupProblem(input, "signature", input.facts?.signature);
    return problem ? [{ rule: this.id, message: problem, path: input.path }] : [];
  },
};
