/**
 * image-no-digest — spec.rules.requireDigest: every image must be pinned by digest
 * (`name:tag@sha256:…` or `name@sha256:…`). The `lint k8s` rule of the same id under the
 * policy's mode; when a look-up resolved the digest, the fix names it. The webhook's mutation
 * can add it (spec.mutation.pinDigests); `portcullis pin` does it in the manifests.
 */
import { imageNoDigest } from "../../lint/k8s/rules/image-no-digest.js";
import { lintImageCheck } from "../lint-rule.js";
import type { ImageRule } from "../rule.js";

export const requireDigest: ImageRule = {
  id: imageNoDigest.id,
  section: "requireDigest",
  scope: "image",
  title: imageNoDigest.title,
  docs: imageNoDigest.docs,
  explain: () => ["images must be pinned by digest (name:tag@sha256:…)"],
  check(input) {
    const digest = input.facts?.digest;
    return lintImageCheck(imageNoDigest, input).map((v) =>
      digest ? { ...v, fix: `use ${input.ref.familiar()}@${digest}` } : v,
    );
  },
};
