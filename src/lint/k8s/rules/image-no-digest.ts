/**
 * image-no-digest: the image is not pinned by digest. Controlled by `requireDigest` in
 * .portcullis.yaml: `off` (not reported), `warn` (medium, the default) or `error` (high).
 */
import type { ImageRule } from "../rule.js";

export const imageNoDigest: ImageRule = {
  id: "image-no-digest",
  severity: "medium",
  appliesTo: "image",
  title: "Image is not pinned by digest",
  docs: "Tags are mutable: the registry can serve different content for the same tag tomorrow. A digest (`image: repo:1.2.3@sha256:…`) names exactly one image. Set `requireDigest: off | warn | error` in .portcullis.yaml (warn reports at medium, error at high).",
  check(ctx) {
    const p = ctx.parsedImage();
    if (!p?.ok || p.ref.digest !== undefined) return;
    return {
      message: `${ctx.site.subject} uses image ${p.image}, which is not pinned by digest`,
      path: ctx.site.path,
      fix:
        p.ref.tag && p.ref.tag !== "latest"
          ? `use ${p.ref.familiar()}@sha256:<digest>`
          : `use ${p.ref.familiar().replace(/:latest$/, "")}:<version>@sha256:<digest>`,
    };
  },
};
