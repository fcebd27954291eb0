/**
 * What a policy rule is: one object per file under rules/, `{ id, section, title, docs, scope,
 * facts, explain(), check() }`, gathered in rules/index.ts. Image-scoped rules see one image
 * site (a container's image, an image volume's reference, a Dockerfile FROM); pod-scoped rules
 * see the whole pod. A rule declares the facts it needs from image look-ups (`facts`: the
 * inspector gathers only those) and says in words what it enforces (`explain`: the text of
 * `policy explain`). Rules return violations; the engine adds modes, exemptions, exceptions and
 * verdicts. Sections that duplicate a `lint k8s` rule run that rule's code (lint-rule.ts).
 */
import type { FieldPath } from "../k8s/source.js";
import type { ImageSite, PodModel } from "../k8s/workload.js";
import type { Reference } from "../reference/index.js";
import type { Severity } from "../report/finding.js";
import type { ImagePolicy, PolicyRules, RuleMode } from "./types.js";

/** Paths inside a workload object (mutable copies of the model's field paths). */
export type JsonPath = (string | number)[];

/** The outcome of one image look-up (signature, attestation or scan) for a digest. */
export interface FactVerdict {
  ok: boolean;
  /** The capability is missing from this build (e.g. no scanner yet): never a pass. */
  unavailable?: boolean;
  /** The look-up itself failed (registry unreachable, auth refused): an operational failure. */
  lookupError?: boolean;
  message: string;
}

/** What was learnt about one image by looking it up (check --images, the webhook). */
export interface ImageFacts {
  digest?: string;
  digestError?: string;
  /** Not looked up on purpose (outside the allow-list): digestError says why; not a failure. */
  notLookedUp?: boolean;
  signature?: FactVerdict;
  attestations?: FactVerdict;
  vulnerabilities?: FactVerdict;
  /** The image's config (labels, history) and manifest annotations: required labels, base images. */
  config?: ImageConfigFact;
}

/**
 * What the image says about itself, read from its manifest and config blob (image-config.ts):
 * `ok` when they were read. Labels and annotations are claims of whoever built the image, not
 * proofs; pair the rules that read them with signatures.
 */
export interface ImageConfigFact extends FactVerdict {
  /** The config's `config.Labels`. */
  labels?: Record<string, string>;
  /** The image manifest's `annotations` (over the index's, for a multi-platform image). */
  annotations?: Record<string, string>;
  /** The config's history, oldest first. */
  history?: { createdBy?: string; comment?: string; emptyLayer: boolean }[];
  /** The platform whose config was read, for a multi-platform image (`linux/amd64`). */
  platform?: string;
}

/** A fact a rule can need: each needs the digest first. */
export type FactName = "signature" | "attestations" | "vulnerabilities" | "config";

export interface Violation {
  rule: string;
  message: string;
  path?: FieldPath;
  /** Character offset inside the scalar at `path` (the bad character of an image reference). */
  offset?: number;
  fix?: string;
  /** Overrides the rule's severity when the violation is more or less serious (PSS checks). */
  severity?: Severity;
}

export interface ImageCheckInput {
  policy: ImagePolicy;
  /** The image text as written. */
  image: string;
  /** The normalised reference (parseReference with strictHost). */
  ref: Reference;
  /** "container app", "image volume data" or "base image of stage build"; used in messages. */
  subject: string;
  /** Where the image sits in the pod (absent for a Dockerfile FROM or an ImageReview image). */
  site?: ImageSite;
  pod?: PodModel;
  /** Look-up results, when look-ups were made. */
  facts?: ImageFacts;
  /** Whether look-ups were enabled at all (check without --images: false). */
  lookups: boolean;
  /** Path of the image field in the object (for locations). */
  path?: FieldPath;
}

export interface PodCheckInput {
  policy: ImagePolicy;
  obj: Record<string, unknown>;
  pod: PodModel;
}

interface RuleBase {
  /** Stable finding id (kebab-case). Pod Security findings use pss-<level>:<check>. */
  id: string;
  /** The policy section that configures it (spec.rules.<section>). */
  section: keyof PolicyRules;
  title: string;
  docs: string;
  /** The finding ids it reports, when not only `id` (title and docs for reporters). */
  reports?: readonly { id: string; title: string; docs: string }[];
  /** The image look-ups the rule reads (default: none). */
  facts?: readonly FactName[];
  /** What the configured section enforces, one line each, for `policy explain`. */
  explain?(policy: ImagePolicy): string[];
}

export interface ImageRule extends RuleBase {
  scope: "image";
  check(input: ImageCheckInput): Violation[];
}

export interface PodRule extends RuleBase {
  scope: "pod";
  check(input: PodCheckInput): Violation[];
}

export type PolicyRule = ImageRule | PodRule;

/** Finding severity for a mode: enforce fails CI at the default --fail-on high, as it denies admission. */
export const MODE_SEVERITY: Record<RuleMode, Severity> = { enforce: "high", warn: "medium", audit: "low" };
