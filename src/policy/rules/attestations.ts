/**
 * image-attestation — spec.rules.attestations.require: an image matching an entry's `images`
 * must carry attestations of each listed predicate type (for example
 * https://slsa.dev/provenance/v1), in-toto statements about its digest signed by the entry's key
 * (default: the image's signature keys). Needs look-ups (src/policy/verification.ts).
 */
import { matchAny } from "../patterns.js";
import type { ImageRule } from "../rule.js";
import { keyWords, lookupProblem } from "./lookup-problem.js";

export const attestations: ImageRule = {
  id: "image-attestation",
  section: "attestations",
  scope: "image",
  title: "Required attestation missing or not verified",
  docs: "Images matching spec.rules.attestations.require[].images must carry verified attestations of the listed predicate types.",
  facts: ["attestations"],
  explain: (policy) =>
    (policy.spec.rules?.attestations?.require ?? []).map(
      (a) =>
        `images matching ${a.images.join(", ")} must carry attestations of type ${a.predicateTypes.join(", ")} signed by ${a.key ? keyWords(a.key) : "the image's signature key(s) from spec.rules.signatures"}`,
    ),
  check(input) {
    const entries = input.policy.spec.rules?.attestations?.require.filter((a) =>
      matchAny(a.images, input.ref.name),
    );
    if (!entries?.length) return [];
    const types = [...new Set(entries.flatMap((e) => e.predicateTypes))].join(", ");
    const problem = lookupProblem(input, `attestations (${types})`, input.facts?.attestations);
    return problem ? [{ rule: this.id, message: problem, path: input.path }] : [];
  },
};
