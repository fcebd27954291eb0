/** image-pull-policy-never: `imagePullPolicy: Never` (the image must already be on every node). */
import type { ImageRule } from "../rule.js";

export const imagePullPolicyNever: ImageRule = {
  id: "image-pull-policy-never",
  severity: "medium",
  appliesTo: "image",
  title: "imagePullPolicy is Never",
  docs: "With `Never` the kubelet never pulls: the pod fails with ErrImageNeverPull on any node where the image was not preloaded, and the registry's access control is bypassed. Use `IfNotPresent` with a digest-pinned image instead.",
  check(ctx) {
    if (ctx.site.pullPolicy !== "Never") return;
    return {
      message: `${ctx.site.subject} has imagePullPolicy Never: it only starts on nodes that already have ${ctx.site.image || "the image"}`,
      path: ctx.site.pullPolicyPath,
      fix: "pin the image by digest and use imagePullPolicy: IfNotPresent",
    };
  },
};
