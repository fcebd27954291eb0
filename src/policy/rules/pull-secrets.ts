/**
 * image-pull-secret-missing — spec.rules.pullSecrets.privateRegistries: a pod that runs (or
 * mounts) an image from a private registry must name imagePullSecrets. The `lint k8s` rule of
 * the same id with the policy's registries; an image seen without its pod (a Dockerfile FROM)
 * is not judged.
 */
import { imagePullSecretMissing } from "../../lint/k8s/rules/image-pull-secret-missing.js";
import { lintImageCheck } from "../lint-rule.js";
import type { ImageRule } from "../rule.js";

export const pullSecrets: ImageRule = {
  id: imagePullSecretMissing.id,
  section: "pullSecrets",
  scope: "image",
  title: imagePullSecretMissing.title,
  docs: imagePullSecretMissing.docs,
  explain: (policy) => [
    `pods pulling from ${(policy.spec.rules?.pullSecrets?.privateRegistries ?? []).join(", ")} must list imagePullSecrets`,
  ],
  check: (input) => (input.pod ? lintImageCheck(imagePullSecretMissing, input) : []),
};
