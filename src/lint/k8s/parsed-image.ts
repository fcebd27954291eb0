/**
 * The strict, cached image parse that image rules read (`ctx.parsedImage()`): the lint engine
 * and the policy engine build their rule contexts with it, so both see the same reference.
 */
import { parseReference } from "../../reference/index.js";
import type { ParsedImage } from "./rule.js";

export function parseImage(image: string): ParsedImage {
  try {
    return { ok: true, image, ref: parseReference(image, { strictHost: true }) };
  } catch (err) {
    return { ok: false, image, error: err as Error };
  }
}

/** A cached, strict parse of an image (undefined when there is none). */
export function parsedImageOf(image: string | undefined): () => ParsedImage | undefined {
  let parsed: ParsedImage | undefined | null = null;
  return () => {
    if (parsed === null) parsed = image ? parseImage(image) : undefined;
    return parsed;
  };
}
