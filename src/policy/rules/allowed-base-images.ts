/**
 * image-base-not-allowed / image-base-unknown — spec.rules.allowedBaseImages: an image (those
 * matching `images`, default every image) must be built on a base image matching `patterns`
 * (image patterns, on the normalised name). The base is the `org.opencontainers.image.base.name`
 * annotation of the image manifest (where the OCI image spec defines it; buildah writes it) or,
 * failing that, the config label of that name (a Dockerfile LABEL or `--label`). History is
 * not used to name a base: its entries record the command behind each layer (`created_by`),
 * never the image a FROM named, so no base can be read from it reliably. An image naming no base
 * is `image-base-unknown` unless `allowUnknown: true`. An image that matches `patterns` itself
 * passes: it is an allowed base (this also judges a Dockerfile's FROM by its own name).
 * Reads the image-config look-up (image-config.ts); the base's own base is not followed.
 */
import { parseImageReference } from "../../reference/cache.js";
import { matchAny, normalisePattern } from "../patterns.js";
import type { ImageConfigFact, ImageRule } from "../rule.js";
import { lookupProblem } from "./lookup-problem.js";
import { shown } from "./required-labels.js";

export const BASE_NAME_KEY = "org.opencontainers.image.base.name";

const NOT_ALLOWED = "image-base-not-allowed";
const UNKNOWN = "image-base-unknown";

/** The base image an image names, and where: the manifest annotation first, then the config label. */
export function baseImageOf(fact: ImageConfigFact): { name: string; from: string } | undefined {
  const annotation = fact.annotations?.[BASE_NAME_KEY];
  if (annotation) return { name: annotation, from: `manifest annotation ${BASE_NAME_KEY}` };
  const label = fact.labels?.[BASE_NAME_KEY];
  if (label) return { name: label, from: `config label ${BASE_NAME_KEY}` };
  return undefined;
}

export const allowedBaseImages: ImageRule = {
  id: NOT_ALLOWED,
  section: "allowedBaseImages",
  scope: "image",
  title: "Image not built on an allowed base image",
  docs: "Images (those matching spec.rules.allowedBaseImages.images, default every image) must name, in the org.opencontainers.image.base.name manifest annotation or config label, a base image matching spec.rules.allowedBaseImages.patterns; an image that matches the patterns itself passes. Needs image look-ups.",
  reports: [
    {
      id: NOT_ALLOWED,
      title: "Image not built on an allowed base image",
      docs: "The image's org.opencontainers.image.base.name names a base image outside spec.rules.allowedBaseImages.patterns.",
    },
    {
      id: UNKNOWN,
      title: "Image's base image unknown",
      docs: "The image names no base image (no org.opencontainers.image.base.name annotation or label; history does not name one), and spec.rules.allowedBaseImages.allowUnknown is not set.",
    },
  ],
  facts: ["config"],
  explain(policy) {
    const r = policy.spec.rules?.allowedBaseImages;
    if (!r) return [];
    const who = r.images?.length
      ? `images matching ${r.images.map(normalisePattern).join(", ")}`
      : "every image";
    return [
      `${who} must be built on ${r.patterns.map(normalisePattern).join(", ")} (or be one), as named by the ${BASE_NAME_KEY} manifest annotation or config label; an image naming no base ${r.allowUnknown ? "passes (allowUnknown)" : `is refused (${UNKNOWN})`}`,
    ];
  },
  check(input) {
    const r = input.policy.spec.rules?.allowedBaseImages;
    if (!r || (r.images && !matchAny(r.images, input.ref.name))) return [];
    if (matchAny(r.patterns, input.ref.name)) return [];
    const fact = input.facts?.config;
    const problem = lookupProblem(input, "image config (base image)", fact);
    if (problem) return [{ rule: NOT_ALLOWED, message: problem, path: input.path }];
    const head = `${input.subject} uses image ${input.image}`;
    const base = fact ? baseImageOf(fact) : undefined;
    if (!base) {
      if (r.allowUnknown) return [];
      const entries = fact?.history?.length ?? 0;
      return [
        {
          rule: UNKNOWN,
          message: `${head}: base image unknown: it carries no ${BASE_NAME_KEY} annotation or label, and its history (${entries} entr${entries === 1 ? "y" : "ies"}) records layer commands, not a base image name`,
          path: input.path,
          fix: `build it with the ${BASE_NAME_KEY} annotation or label naming its base (buildah adds the annotation)`,
        },
      ];
    }
    let name: string;
    try {
      name = parseImageReference(base.name).name;
    } catch {
      return [
        {
          rule: UNKNOWN,
          message: `${head}: base image unknown: its ${base.from} is ${shown(base.name)}, not an image reference`,
          path: input.path,
        },
      ];
    }
    if (matchAny(r.patterns, name)) return [];
    return [
      {
        rule: NOT_ALLOWED,
        message: `${head}: it is built on ${shown(base.name)} (${base.from}), which is not an allowed base image (${r.patterns.map(normalisePattern).join(", ")})`,
        path: input.path,
        fix: `rebuild it FROM an allowed base image`,
      },
    ];
  },
};
