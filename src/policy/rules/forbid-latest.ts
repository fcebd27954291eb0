/**
 * image-tag-latest — spec.rules.forbidLatest: an image without a digest must not use the tag
 * `latest` or no tag at all (which means `latest`). The `lint k8s` rule of the same id, run
 * under the policy's mode and exceptions.
 */
import { imageTagLatest } from "../../lint/k8s/rules/image-tag-latest.js";
import { lintImageCheck } from "../lint-rule.js";
import type { ImageRule } from "../rule.js";

export const forbidLatest: ImageRule = {
  id: imageTagLatest.id,
  section: "forbidLatest",
  scope: "image",
  title: imageTagLatest.title,
  docs: imageTagLatest.docs,
  explain: () => ["images must not use the tag latest or no tag, unless pinned by digest"],
  check: (input) => lintImageCheck(imageTagLatest, input),
};
