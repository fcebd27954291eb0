/**
 * image-tag-latest — spec.rules.forbidLatest: an image without a digest must not use the tag
 * `latest` or no tag at all (which means `latest`). A digest pins the image whatever the tag.
 */
import type { ImageRule } from "../rule.js";

export const forbidLatest: ImageRule = {
  id: "image-tag-latest",
  section: "forbidLatest",
  scope: "image",
  title: "Image uses the latest tag or no tag",
  docs: "`latest` (or no tag, which means latest) moves: the same manifest can run different code tomorrow. Pin a version tag, or better a digest.",
  check({ policy, ref, subject, image, path }) {
    if (!policy.spec.rules?.forbidLatest || ref.digest) return [];
    if (ref.tag !== undefined && ref.tag !== "latest") return [];
    const what = ref.tag === undefined ? "has no tag (so it means :latest)" : "uses the tag latest";
    return [
      {
        rule: this.id,
        message: `${subject} uses image ${image}, which ${what}; pin a version tag or digest`,
        path,
      },
    ];
  },
};
