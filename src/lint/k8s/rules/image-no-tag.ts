/** image-no-tag: the image has neither a tag nor a digest, so the runtime pulls `latest`. */
import { type ContainerRule, describeContainer } from "../rule.js";

export const imageNoTag: ContainerRule = {
  id: "image-no-tag",
  severity: "high",
  appliesTo: "container",
  title: "Image has no tag or digest (implicitly latest)",
  docs: "An image without a tag or digest means `:latest`, with all its problems, and hides that it does. Name a version tag, ideally with its digest.",
  check(ctx) {
    const p = ctx.parsedImage();
    if (!p?.ok || p.ref.tag !== undefined || p.ref.digest !== undefined) return;
    return {
      message: `${describeContainer(ctx.container)} uses image ${p.image} without a tag or digest, which means latest`,
      path: [...ctx.container.path, "image"],
      fix: `use ${p.image}:<version>@sha256:<digest>`,
    };
  },
};
