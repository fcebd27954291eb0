/** image-pull-policy-never: `imagePullPolicy: Never` (the image must already be on every node). */
import { type ContainerRule, describeContainer } from "../rule.js";

export const imagePullPolicyNever: ContainerRule = {
  id: "image-pull-policy-never",
  severity: "medium",
  appliesTo: "container",
  title: "imagePullPolicy is Never",
  docs: "With `Never` the kubelet never pulls: the pod fails with ErrImageNeverPull on any node where the image was not preloaded, and the registry's access control is bypassed. Use `IfNotPresent` with a digest-pinned image instead.",
  check(ctx) {
    if (ctx.container.spec.imagePullPolicy !== "Never") return;
    return {
      message: `${describeContainer(ctx.container)} has imagePullPolicy Never: it only starts on nodes that already have ${ctx.image ?? "the image"}`,
      path: [...ctx.container.path, "imagePullPolicy"],
      fix: "pin the image by digest and use imagePullPolicy: IfNotPresent",
    };
  },
};
