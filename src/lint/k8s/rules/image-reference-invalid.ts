/** image-reference-invalid: the image is missing or is not a valid image reference. */
import { InvalidReferenceError } from "../../../reference/index.js";
import type { ImageRule } from "../rule.js";

export const imageReferenceInvalid: ImageRule = {
  id: "image-reference-invalid",
  severity: "high",
  appliesTo: "image",
  title: "Image reference is missing or invalid",
  docs: "The container runtime cannot pull an image whose reference does not parse (upper-case repository, bad tag, malformed digest, …); the pod stays in InvalidImageName. The finding points at the first offending character. Repositories are parsed strictly: `Foo/bar` is an upper-case repository, not a registry host.",
  check(ctx) {
    const raw = ctx.site.raw;
    if (raw === undefined || raw === null || raw === "") {
      // Pod templates of controllers must name an image too; the API server rejects them otherwise.
      return {
        message: `${ctx.site.subject} has no image`,
        path: ctx.site.path,
      };
    }
    if (typeof raw !== "string") {
      return {
        message: `${ctx.site.name}: image must be a string, got ${typeof raw}`,
        path: ctx.site.path,
      };
    }
    const p = ctx.parsedImage();
    if (!p || p.ok) return;
    const err = p.error;
    const position = err instanceof InvalidReferenceError ? err.position : 0;
    return {
      message: `${ctx.site.subject} has an invalid image reference ${JSON.stringify(raw)}: ${err.message}`,
      path: ctx.site.path,
      offset: position,
    };
  },
};
