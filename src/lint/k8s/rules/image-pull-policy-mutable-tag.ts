/**
 * image-pull-policy-mutable-tag: the effective pull policy is IfNotPresent (explicit, or the
 * API server's default for a version tag) on an image pinned only by a tag, so a node keeps
 * running whatever it pulled first under that tag. An image pinned by digest is never
 * reported: IfNotPresent is exactly right there.
 */
import { effectivePullPolicy } from "../../../reference/index.js";
import type { ImageRule } from "../rule.js";

export const imagePullPolicyMutableTag: ImageRule = {
  id: "image-pull-policy-mutable-tag",
  severity: "low",
  appliesTo: "image",
  title: "IfNotPresent pull policy on a mutable tag",
  docs: "When `imagePullPolicy` is omitted the API server sets it to `Always` for `:latest` or no tag, and to `IfNotPresent` otherwise. With `IfNotPresent` and a tag, each node keeps the image it pulled first: if the tag is moved, nodes run different code. Pin the image by digest (then `IfNotPresent` is correct and never reported), or set `imagePullPolicy: Always`.",
  check(ctx) {
    const p = ctx.parsedImage();
    if (!p?.ok || p.ref.digest !== undefined) return;
    const explicit = ctx.site.pullPolicy;
    const policy = effectivePullPolicy(p.image, typeof explicit === "string" ? explicit : undefined);
    if (policy !== "IfNotPresent") return;
    const explicitSet = explicit === "IfNotPresent";
    return {
      message: explicitSet
        ? `${ctx.site.subject} pulls ${p.image} IfNotPresent: nodes keep whatever image the tag pointed to when they first pulled it`
        : `${ctx.site.subject} pulls ${p.image} IfNotPresent (the API server's default for a version tag): nodes keep whatever image the tag pointed to when they first pulled it`,
      path: explicitSet ? ctx.site.pullPolicyPath : ctx.site.path,
      fix: "pin the image by digest, or set imagePullPolicy: Always",
    };
  },
};
