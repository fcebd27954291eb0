/**
 * Policy sections that duplicate a `lint k8s` rule (forbidLatest, requireDigest,
 * allowedRegistries, pullSecrets, resources, and the image-reference check) run THAT rule's
 * code: the lint rule sees the same image site and pod it sees in `lint k8s`, with settings
 * taken from the policy, and its issues become violations with the lint rule's id, message,
 * path and fix. The policy engine then adds its mode, exemptions and exceptions on top, so a
 * finding of `check` or the webhook is word for word the finding of `lint k8s`.
 */
import type { ContainerInfo, ImageSite, PodModel } from "../k8s/workload.js";
import { compileImagePatterns } from "../lint/k8s/image-patterns.js";
import { parsedImageOf } from "../lint/k8s/parsed-image.js";
import type {
  CheckResult,
  ContainerContext,
  ContainerRule,
  ImageContext,
  ImageRule as LintImageRule,
  PodContext,
  RuleSettings,
} from "../lint/k8s/rule.js";
import type { ImageCheckInput, Violation } from "./rule.js";
import type { ImagePolicy } from "./types.js";

/** The lint settings a policy implies: its allow-list and private registries. */
export function lintSettings(policy: ImagePolicy): RuleSettings {
  const rules = policy.spec.rules ?? {};
  return {
    allowedRegistries: compileImagePatterns(rules.allowedRegistries?.patterns ?? []),
    privateRegistries: compileImagePatterns(rules.pullSecrets?.privateRegistries ?? []),
    requireDigest: rules.requireDigest ? "warn" : "off",
  };
}

/** The pod of an image seen on its own (a Dockerfile FROM, an ImageReview image): nothing in it. */
const NO_POD: PodModel = Object.freeze({
  kindSource: "builtin",
  podSpecPath: [],
  podSpec: {},
  podMetadataPath: [],
  podMetadata: {},
  podAnnotations: {},
  containers: [],
  images: [],
  serviceAccountName: "default",
}) as PodModel;

/** The site of an image seen on its own, named by the caller's subject. */
export function loneSite(image: string, subject: string, path: ImageSite["path"] = []): ImageSite {
  return {
    kind: "container",
    group: "containers",
    index: 0,
    name: subject,
    subject,
    raw: image,
    image,
    path,
    pullPolicyPath: [],
  };
}

function podContext(policy: ImagePolicy, pod: PodModel | undefined): PodContext {
  const workload = pod ?? NO_POD;
  return {
    workload,
    settings: lintSettings(policy),
    serviceAccount: () => ({ name: workload.serviceAccountName }),
  };
}

/** The lint rule's issues as policy violations (same id, message, path and fix). */
export function asViolations(id: string, result: CheckResult): Violation[] {
  if (!result) return [];
  return (Array.isArray(result) ? result : [result]).map((i) => ({
    rule: id,
    message: i.message,
    path: i.path,
    ...(i.offset ? { offset: i.offset } : {}),
    ...(i.fix ? { fix: i.fix } : {}),
  }));
}

/** Run a lint image rule on an image site (or a lone image) under the policy. */
export function runLintImageRule(
  rule: LintImageRule,
  policy: ImagePolicy,
  site: ImageSite,
  pod: PodModel | undefined,
): Violation[] {
  const ctx: ImageContext = { ...podContext(policy, pod), site, parsedImage: parsedImageOf(site.image) };
  return asViolations(rule.id, rule.check(ctx));
}

/** Run a lint image rule for an ImageCheckInput (the image already parsed). */
export function lintImageCheck(rule: LintImageRule, input: ImageCheckInput): Violation[] {
  const site = input.site ?? loneSite(input.image, input.subject, input.path);
  return runLintImageRule(rule, input.policy, site, input.pod);
}

/** Run a lint container rule on every container of the groups it applies to. */
export function lintContainerCheck(rule: ContainerRule, policy: ImagePolicy, pod: PodModel): Violation[] {
  const out: Violation[] = [];
  const base = podContext(policy, pod);
  for (const container of pod.containers) {
    if (rule.groups && !rule.groups.includes(container.group)) continue;
    out.push(...asViolations(rule.id, rule.check(containerContext(base, container))));
  }
  return out;
}

function containerContext(base: PodContext, container: ContainerInfo): ContainerContext {
  const image = typeof container.spec.image === "string" ? container.spec.image : undefined;
  return { ...base, container, image, parsedImage: parsedImageOf(image) };
}
