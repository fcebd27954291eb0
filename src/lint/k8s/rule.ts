/**
 * What a manifest lint rule is: one object `{ id, severity, title, docs, appliesTo, check() }`
 * per file in ./rules/, gathered by rule-registry.ts and run by the generic engine. A rule
 * sees one workload, one container of it, or one image site (a container's image or an image
 * volume's reference) and returns issues with a field path; the engine
 * turns paths into file:line:column, fills in the object, container and image, and applies
 * severities from the config and suppressions. Rules know nothing of output formats.
 */
import type { FieldPath } from "../../k8s/source.js";
import {
  type ContainerGroup,
  type ContainerInfo,
  describeContainer,
  type ImageSite,
  type PodModel,
  type Workload,
} from "../../k8s/workload.js";
import type { InvalidReferenceError, Reference } from "../../reference/index.js";
import type { Severity } from "../../report/finding.js";
import type { ImagePattern } from "./image-patterns.js";

/** One problem a rule found: what, where (a path from the object root) and how to fix it. */
export interface Issue {
  message: string;
  path: FieldPath;
  fix?: string;
  /** Character offset inside the scalar at `path` (e.g. the bad character of an image reference). */
  offset?: number;
}

export type CheckResult = Issue | Issue[] | undefined;

/** Settings rules read (from .portcullis.yaml and the command line). */
export interface RuleSettings {
  /** Trusted registries (empty: every registry is allowed). */
  allowedRegistries: readonly ImagePattern[];
  /** Registries that need credentials to pull from. */
  privateRegistries: readonly ImagePattern[];
  requireDigest: "off" | "warn" | "error";
}

/** What the input says about ServiceAccounts (for pull secrets and token automounting). */
export interface ServiceAccountInfo {
  namespace?: string;
  name: string;
  imagePullSecrets: string[];
  automountServiceAccountToken?: boolean;
}

export interface PodContext {
  /** The pod (with its object when linting manifests; the policy engine passes the pod only). */
  workload: PodModel & Partial<Pick<Workload, "object">>;
  settings: RuleSettings;
  /** The ServiceAccount the pod runs as, when it is in the input. */
  serviceAccount(): { name: string; account?: ServiceAccountInfo };
}

export type ParsedImage =
  | { ok: true; image: string; ref: Reference }
  | { ok: false; image: string; error: InvalidReferenceError | Error };

export interface ContainerContext extends PodContext {
  container: ContainerInfo;
  /** The image as written (undefined when the container has none). */
  image?: string;
  /** The image parsed strictly and normalised (cached; undefined when there is no image). */
  parsedImage(): ParsedImage | undefined;
}

interface RuleBase {
  /** Stable kebab-case id. */
  id: string;
  /** Default severity (the config can change it or turn the rule off). */
  severity: Severity;
  /** One line: what the rule reports. */
  title: string;
  /** Why it matters and how to fix it (the source of --list-rules, SARIF help and docs). */
  docs: string;
}

/** One image site of the pod: a container's image or an image volume's reference. */
export interface ImageContext extends PodContext {
  site: ImageSite;
  /** The image parsed strictly and normalised (cached; undefined when there is no image). */
  parsedImage(): ParsedImage | undefined;
}

/** A rule about an image (tags, digests, registries, pull policy): runs once per image site. */
export interface ImageRule extends RuleBase {
  appliesTo: "image";
  check(ctx: ImageContext): CheckResult;
}

export interface ContainerRule extends RuleBase {
  appliesTo: "container";
  /** Container groups checked (default: all three). */
  groups?: readonly ContainerGroup[];
  check(ctx: ContainerContext): CheckResult;
}

export interface PodRule extends RuleBase {
  appliesTo: "pod";
  check(ctx: PodContext): CheckResult;
}

export type K8sRule = ImageRule | ContainerRule | PodRule;

/** Containers that can have resources (ephemeral containers cannot). */
export const RESOURCE_GROUPS: readonly ContainerGroup[] = ["containers", "initContainers"];

export { describeContainer };

/** Pods that declare `spec.os.name: windows`: Linux-only securityContext fields do not apply to them. */
export function isWindowsPod(ctx: PodContext): boolean {
  const os = ctx.workload.podSpec.os;
  return typeof os === "object" && os !== null && (os as { name?: unknown }).name === "windows";
}
