/**
 * image-no-digest — spec.rules.requireDigest: every image must be pinned by digest
 * (`name:tag@sha256:…` or `name@sha256:…`). The webhook's mutation can add it
 * (spec.mutation.pinDigests); `portcullis pin` does it in the manifests.
 */
import type { ImageRule } from "../rule.js";

export const requireDigest: ImageRule = {
  id: "image-no-digest",
  section: "requireDigest",
  scope: "image",
  title: "Image is not pinned by digest",
  docs: "A tag can be moved to other content; a digest cannot. Reference images as name:tag@sha256:… so that what was checked is what runs.",
  check({ policy, ref, subject, image, path, facts }) {
    if (!policy.spec.rules?.requireDigest || ref.digest) return [];
    return [
      {
        rule: this.id,
        message: `${subject} uses image ${image} without a digest; pin it (name:tag@sha256:…)`,
        path,
        fix: facts?.digest ? `use ${ref.familiar()}@${facts.digest}` : undefined,
      },
    ];
  },
};
