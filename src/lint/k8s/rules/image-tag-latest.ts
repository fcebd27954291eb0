/**
 * image-tag-latest: the image is tagged `latest`, or has no tag at all (which means `latest`:
 * the runtime pulls `:latest`, and the API server defaults its pull policy to Always as for
 * `:latest`), and is not pinned by digest. The same rule is `forbidLatest` in an ImagePolicy.
 */
import type { ImageRule } from "../rule.js";

export const imageTagLatest: ImageRule = {
  id: "image-tag-latest",
  severity: "high",
  appliesTo: "image",
  title: "Image uses the tag latest, or no tag (which means latest)",
  docs: "`latest` moves: two nodes can run different code, a rollback redeploys the new image, and nothing records what ran. An image without a tag or digest means `:latest`, with all its problems, and hides that it does. Pin a version tag, ideally with its digest (`nginx:1.27.3@sha256:…`). An image pinned by digest is not reported: the digest decides what runs.",
  check(ctx) {
    const p = ctx.parsedImage();
    if (!p?.ok || p.ref.digest || (p.ref.tag !== undefined && p.ref.tag !== "latest")) return;
    const untagged = p.ref.tag === undefined;
    return {
      message: untagged
        ? `${ctx.site.subject} uses image ${p.image} without a tag or digest, which means latest; pin a version tag or digest`
        : `${ctx.site.subject} uses image ${p.image}; pin a version tag or digest`,
      path: ctx.site.path,
      fix: untagged
        ? `use ${p.image}:<version>@sha256:<digest>`
        : `use ${p.ref.familiar().replace(/:latest$/, "")}:<version>@sha256:<digest>`,
    };
  },
};
