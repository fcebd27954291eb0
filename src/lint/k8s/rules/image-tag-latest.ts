/** image-tag-latest: the image is tagged `latest` (and not pinned by digest). */
import { type ContainerRule, describeContainer } from "../rule.js";

export const imageTagLatest: ContainerRule = {
  id: "image-tag-latest",
  severity: "high",
  appliesTo: "container",
  title: "Image uses the tag latest",
  docs: "`latest` moves: two nodes can run different code, a rollback redeploys the new image, and nothing records what ran. Pin a version tag, ideally with its digest (`nginx:1.27.3@sha256:…`). An image pinned by digest is not reported: the digest decides what runs.",
  check(ctx) {
    const p = ctx.parsedImage();
    if (!p?.ok || p.ref.tag !== "latest" || p.ref.digest) return;
    return {
      message: `${describeContainer(ctx.container)} uses image ${p.image}; pin a version tag or digest`,
      path: [...ctx.container.path, "image"],
      fix: `use ${p.ref.familiar().replace(/:latest$/, "")}:<version>@sha256:<digest>`,
    };
  },
};
