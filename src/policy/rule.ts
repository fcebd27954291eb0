/**
 * What a policy rule is: one object per file under rules/, `{ id, section, title, docs, scope,
 * check() }`, gathered in rules/index.ts. Image-scoped rules see one image reference (from a
 * container or a Dockerfile FROM); pod-scoped rules see the whole pod. Rules return violations;
 * the engine adds modes, exemptions, exceptions and verdicts. Rules know nothing of output.
 */
import type { Reference } from "../reference/index.js";
import type { Severity } from "../report/finding.js";
import type { ImagePolicy, PolicyRules, RuleMode } from "./types.js";
import type { ContainerRef, JsonPath, PodView } from "./workload.js";

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
  signature?: FactVerdict;
  attestations?: FactVerdict;
  vulnerabilities?: FactVerdict;
}

export interface Violation {
  rule: string;
  message: string;
  path?: JsonPath;
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
  /** "container app" or "base image of stage build"; used in messages. */
  subject: string;
  container?: ContainerRef;
  pod?: PodView;
  /** Look-up results, when look-ups were made. */
  facts?: ImageFacts;
  /** Whether look-ups were enabled at all (check without --images: false). */
  lookups: boolean;
  /** Path of the image field in the object (for locations). */
  path?: JsonPath;
}

export interface PodCheckInput {
  policy: ImagePolicy;
  obj: Record<string, unknown>;
  pod: PodView;
}

interface RuleBase {
  /** Stable finding id (kebab-case). Pod Security findings use pss-<level>:<check>. */
  id: string;
  /** The policy section that configures it (spec.rules.<section>). */
  section: keyof PolicyRules;
  title: string;
  docs: string;
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
