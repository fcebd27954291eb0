/** image-reference-invalid: the image is missing or is not a valid image reference. */
import { InvalidReferenceError } from "../../../reference/index.js";
import { type ContainerRule, describeContainer } from "../rule.js";

export const imageReferenceInvalid: ContainerRule = {
  id: "image-reference-invalid",
  severity: "high",
  appliesTo: "container",
  title: "Image reference is missing or invalid",
  docs: "The container runtime cannot pull an image whose reference does not parse (upper-case repository, bad tag, malformed digest, …); the pod stays in InvalidImageName. The finding points at the first offending character. Repositories are parsed strictly: `Foo/bar` is an upper-case repository, not a registry host.",
  check(ctx) {
    const raw = ctx.container.spec.image;
    if (raw === undefined || raw === null || raw === "") {
      // Pod templates of controllers must name an image too; the API server rejects them otherwise.
      return {
        message: `${describeContainer(ctx.container)} has no image`,
        path: [...ctx.container.path, "image"],
      };
    }
    if (typeof raw !== "string") {
      return {
        message: `${ctx.container.name}: image must be a string, got ${typeof raw}`,
        path: [...ctx.container.path, "image"],
      };
    }
    const p = ctx.parsedImage();
    if (!p || p.ok) return;
    const err = p.error;
    const position = err instanceof InvalidReferenceError ? err.position : 0;
    return {
      message: `${describeContainer(ctx.container)} has an invalid image reference ${JSON.stringify(raw)}: ${err.message}`,
      path: [...ctx.container.path, "image"],
      offset: position,
    };
  },
};
