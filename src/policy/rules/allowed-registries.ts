/**
 * image-registry-not-allowed — spec.rules.allowedRegistries.patterns: the image's NORMALISED
 * repository (docker.io/library/nginx for `nginx`) must match one of the patterns.
 */
import { matchAny } from "../patterns.js";
import type { ImageRule } from "../rule.js";

export const allowedRegistries: ImageRule = {
  id: "image-registry-not-allowed",
  section: "allowedRegistries",
  scope: "image",
  title: "Image comes from a registry or repository the policy does not allow",
  docs: "Images must come from the registries and repositories listed in spec.rules.allowedRegistries.patterns. Matching uses the normalised name (nginx is docker.io/library/nginx), segment by segment.",
  check({ policy, ref, subject, image, path }) {
    const patterns = policy.spec.rules?.allowedRegistries?.patterns;
    if (!patterns || matchAny(patterns, ref.name)) return [];
    return [
      {
        rule: this.id,
        message: `${subject} uses image ${image} (${ref.name}), which matches none of the allowed registries (${patterns.join(", ")})`,
        path,
      },
    ];
  },
};
