/**
 * The policy engine: evaluatePolicy(policy, workload, context) → decisions with messages and a
 * verdict. `portcullis check` and the admission webhook both call it, so CI and the cluster say
 * the same thing in the same words. Generic: it knows modes, namespace selection, exemptions and
 * per-workload exceptions, not what any rule checks (rules/). Synchronous: image look-ups
 * (digests, signatures, scans) are made beforehand and passed in as `facts`.
 */
import { type ImageSite, objectRefOf, type PodModel, podOf } from "../k8s/workload.js";
import { imageReferenceInvalid } from "../lint/k8s/rules/image-reference-invalid.js";
import { parseImageReference } from "../reference/cache.js";
import type { Reference } from "../reference/index.js";
import type { Severity } from "../report/finding.js";
import { loneSite, runLintImageRule } from "./lint-rule.js";
import { exceptionNames } from "./owners.js";
import { matchAny } from "./patterns.js";
import {
  type ImageCheckInput,
  type ImageFacts,
  type ImageRule,
  type JsonPath,
  MODE_SEVERITY,
  type PolicyRule,
  type Violation,
} from "./rule.js";
import { POLICY_RULES } from "./rules/index.js";
import type { ImagePolicy, LabelSelector, PolicyException, PolicyRules, RuleMode } from "./types.js";

export { isWorkloadKind } from "../k8s/workload.js";
export type { JsonPath } from "./rule.js";

/** The object an evaluation is about (kind, namespace, name). */
export interface WorkloadId {
  apiVersion?: string;
  kind: string;
  namespace?: string;
  name?: string;
}

export interface EvaluationContext {
  /** Namespace for objects that do not name one (check: "default"; webhook: the request's). */
  namespace?: string;
  /** Labels of the object's namespace (from a Namespace object, the AdmissionReview or a map). */
  namespaceLabels?: Record<string, string>;
  /**
   * The namespace was already selected by spec.namespaceSelector elsewhere (the webhook, whose
   * API server applies the selector, when the labels are unknown here): skip the selector.
   */
  namespaceSelectorApplied?: boolean;
  /** The day used for exception expiry (default: now). */
  now?: Date;
  /** Look-up results by image text as written. */
  facts?: Map<string, ImageFacts>;
  /** Whether look-ups were made (false: rules needing them deny, saying so). */
  lookups?: boolean;
  /**
   * Look-ups are off on purpose (`check` without --images): rules needing them are not run but
   * listed in `unchecked` (one info line per image), instead of each denying. Only with
   * `lookups` false; never for admission.
   */
  deferLookups?: boolean;
  /**
   * Who asked, as the API server vouches for it (an AdmissionReview's `request.userInfo`). A
   * pod's `ownerReferences` are written by whoever creates it, so they count for exceptions only
   * when the requester is the controller that owns such pods (owners.ts). Absent (`check`):
   * owner references are never trusted.
   */
  requester?: { username?: string };
}

export interface PolicyDecision {
  /** Finding id, e.g. image-tag-latest, pss-restricted:runAsNonRoot. */
  rule: string;
  mode: RuleMode;
  severity: Severity;
  message: string;
  path?: JsonPath;
  /** Character offset inside the scalar at `path`, when the rule points inside it. */
  offset?: number;
  container?: string;
  image?: string;
  fix?: string;
  /** Set when a per-workload exception waives it. */
  waived?: { reason: string; expires: string };
}

export interface PolicyEvaluation {
  object: WorkloadId;
  /** False when the policy does not govern this object (exempt, not selected, not a workload). */
  applies: boolean;
  reason?: string;
  decisions: PolicyDecision[];
  /** No unwaived enforce-mode decision. */
  allowed: boolean;
  /** Things worth telling about the evaluation itself (expired exceptions, inferred kinds). */
  notes: string[];
  /**
   * Look-up rules (signatures, attestations, scans) that apply to an image but were not run
   * because look-ups are off (`check` without --images): not a violation, reported as info.
   */
  unchecked: UncheckedImage[];
}

/** An image a look-up rule would judge, left unchecked because look-ups are off. */
export interface UncheckedImage {
  image: string;
  rule: string;
}

export const NAMESPACE_MODE_LABEL = "portcullis.dev/mode";
const MODE_RANK: Record<RuleMode, number> = { audit: 1, warn: 2, enforce: 3 };

export function ruleMode(
  policy: ImagePolicy,
  section: keyof PolicyRules | undefined,
  nsLabels?: Record<string, string>,
): RuleMode {
  const configured = section ? (policy.spec.rules?.[section] as { mode?: RuleMode } | undefined) : undefined;
  let mode: RuleMode = configured?.mode ?? policy.spec.defaultMode ?? "enforce";
  const cap = policy.spec.namespaceModeLabel ? nsLabels?.[NAMESPACE_MODE_LABEL] : undefined;
  if (cap === "enforce" || cap === "warn" || cap === "audit") {
    if (MODE_RANK[cap] < MODE_RANK[mode]) mode = cap;
  }
  return mode;
}

export function matchesSelector(
  selector: LabelSelector | undefined,
  labels: Record<string, string>,
): boolean {
  if (!selector) return true;
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of selector.matchExpressions ?? []) {
    const has = Object.hasOwn(labels, e.key);
    const values = e.values ?? [];
    if (e.operator === "Exists" && !has) return false;
    if (e.operator === "DoesNotExist" && has) return false;
    if (e.operator === "In" && !(has && values.includes(labels[e.key]))) return false;
    if (e.operator === "NotIn" && has && values.includes(labels[e.key])) return false;
  }
  return true;
}

/** Is the namespace governed by the policy? (not exempt, matched by the selector) */
export function namespaceGoverned(
  policy: ImagePolicy,
  namespace: string,
  labels: Record<string, string> = {},
  opts: { selectorApplied?: boolean } = {},
): { governed: boolean; reason?: string } {
  if (policy.spec.exemptions?.namespaces?.includes(namespace)) {
    return { governed: false, reason: `namespace ${namespace} is exempt` };
  }
  if (opts.selectorApplied) return { governed: true };
  const all = { "kubernetes.io/metadata.name": namespace, ...labels };
  if (!matchesSelector(policy.spec.namespaceSelector, all)) {
    return { governed: false, reason: `namespace ${namespace} is not selected by spec.namespaceSelector` };
  }
  return { governed: true };
}

/** The object's id, with the namespace it is judged in. */
function workloadId(obj: Record<string, unknown>, fallbackNamespace: string): WorkloadId {
  const ref = objectRefOf(obj);
  const id: WorkloadId = { kind: ref.kind, namespace: ref.namespace ?? fallbackNamespace };
  if (ref.apiVersion) id.apiVersion = ref.apiVersion;
  if (ref.name) id.name = ref.name;
  return id;
}

/**
 * Every image a workload runs or mounts, as written: containers (init, regular, ephemeral) and
 * image volumes. What to look up before evaluatePolicy (check --images, the webhook).
 */
export function workloadImages(obj: unknown): string[] {
  return podOf(obj)?.images.map((s) => s.image) ?? [];
}

/** Is the rule's section configured in the policy? */
function enabled(policy: ImagePolicy, rule: PolicyRule): boolean {
  return Boolean(policy.spec.rules?.[rule.section]);
}

/** Evaluate one workload object: any pod-bearing kind of the workload model (src/k8s). */
export function evaluatePolicy(
  policy: ImagePolicy,
  obj: Record<string, unknown>,
  ctx: EvaluationContext = {},
): PolicyEvaluation {
  const id = workloadId(obj, ctx.namespace ?? "default");
  const namespace = id.namespace ?? "default";
  const pod = podOf(obj);
  if (!pod) return notApplicable(id, `kind ${String(obj.kind)} runs no containers`);
  const gov = namespaceGoverned(policy, namespace, ctx.namespaceLabels, {
    selectorApplied: ctx.namespaceSelectorApplied,
  });
  if (!gov.governed) return notApplicable(id, gov.reason);
  const exemptAccounts = policy.spec.exemptions?.serviceAccounts;
  const sa = exemptAccounts?.length ? `${namespace}/${pod.serviceAccountName}` : undefined;
  if (sa && exemptAccounts?.includes(sa)) return notApplicable(id, `service account ${sa} is exempt`);

  const decisions: PolicyDecision[] = [];
  const unchecked: UncheckedImage[] = [];
  for (const site of pod.images) {
    const d = evaluateSite(policy, site, pod, ctx, unchecked);
    decisions.push(...d);
  }
  for (const rule of POLICY_RULES) {
    if (rule.scope !== "pod" || !enabled(policy, rule)) continue;
    for (const v of rule.check({ policy, obj, pod })) {
      decisions.push(decide(policy, v, rule.section, ctx.namespaceLabels, containerOf(pod, v.path)));
    }
  }
  const notes = applyExceptions(policy, obj, id, decisions, ctx.now, ctx.requester);
  if (pod.note) notes.push(pod.note);
  return finish(id, decisions, notes, unchecked);
}

/** Every image rule on one image site of a pod. */
function evaluateSite(
  policy: ImagePolicy,
  site: ImageSite,
  pod: PodModel,
  ctx: EvaluationContext,
  unchecked: UncheckedImage[],
): PolicyDecision[] {
  const at = { container: site.container?.name, image: site.image };
  const invalid = runLintImageRule(imageReferenceInvalid, policy, site, pod);
  if (invalid.length) return invalid.map((v) => decide(policy, v, undefined, ctx.namespaceLabels, at));
  const ref = parseReferenceOf(site.image);
  if (!ref || matchAny(policy.spec.exemptions?.images, ref.name)) return [];
  // One input for every image rule of this site (rules only read it).
  const input: ImageCheckInput = {
    policy,
    image: site.image,
    ref,
    subject: site.subject,
    site,
    pod,
    facts: ctx.facts?.get(site.image),
    lookups: ctx.lookups ?? false,
    path: site.path,
  };
  return runImageRules(input, ctx, unchecked, at);
}

/** The image rules of the policy on one input; look-up rules without look-ups are only noted. */
function runImageRules(
  input: ImageCheckInput,
  ctx: EvaluationContext,
  unchecked: UncheckedImage[],
  at: { container?: string; image?: string },
): PolicyDecision[] {
  const out: PolicyDecision[] = [];
  for (const rule of POLICY_RULES) {
    if (rule.scope !== "image" || !enabled(input.policy, rule)) continue;
    if (!input.lookups && ctx.deferLookups && rule.facts?.length) {
      if (needsFacts(rule, input)) unchecked.push({ image: input.image, rule: rule.id });
      continue;
    }
    for (const v of rule.check(input))
      out.push(decide(input.policy, v, rule.section, ctx.namespaceLabels, at));
  }
  return out;
}

/** Would a look-up rule judge this image (does any of its entries match)? Run it without facts. */
function needsFacts(rule: ImageRule, input: ImageCheckInput): boolean {
  return rule.check({ ...input, lookups: false }).length > 0;
}

function parseReferenceOf(image: string): Reference | undefined {
  try {
    return parseImageReference(image);
  } catch {
    return undefined;
  }
}

/** The evaluation of an object the policy does not govern, and why. */
function notApplicable(object: WorkloadId, reason: string | undefined): PolicyEvaluation {
  return { object, decisions: [], notes: [], unchecked: [], applies: false, allowed: true, reason };
}

/** The container whose path a violation's path starts with, if any. */
function containerOf(pod: PodModel, path: Violation["path"]): { container?: string } {
  if (!path) return {};
  const c = pod.containers.find((x) => x.path.every((p, i) => path[i] === p));
  return c ? { container: c.name } : {};
}

/**
 * Evaluate one image reference on its own: a Dockerfile's base image, or an ImageReview's
 * container. Only image rules apply (no pod).
 */
export function evaluateImage(
  policy: ImagePolicy,
  image: string,
  subject: string,
  ctx: EvaluationContext & { object?: WorkloadId } = {},
): PolicyEvaluation {
  const object = ctx.object ?? { kind: "Image", name: image };
  const site = loneSite(image, subject);
  const unchecked: UncheckedImage[] = [];
  const invalid = runLintImageRule(imageReferenceInvalid, policy, site, undefined);
  if (invalid.length) {
    const decisions = invalid.map((v) => decide(policy, v, undefined, ctx.namespaceLabels, { image }));
    return finish(object, decisions, [], unchecked);
  }
  const ref = parseReferenceOf(image);
  if (!ref || matchAny(policy.spec.exemptions?.images, ref.name)) return finish(object, [], [], unchecked);
  const input: ImageCheckInput = {
    policy,
    image,
    ref,
    subject,
    facts: ctx.facts?.get(image),
    lookups: ctx.lookups ?? false,
  };
  const decisions = runImageRules(input, ctx, unchecked, { image });
  return finish(object, decisions, [], unchecked);
}

function decide(
  policy: ImagePolicy,
  v: Violation,
  section: keyof PolicyRules | undefined,
  nsLabels: Record<string, string> | undefined,
  extra: { container?: string; image?: string },
): PolicyDecision {
  const mode = ruleMode(policy, section, nsLabels);
  const d: PolicyDecision = { rule: v.rule, mode, severity: MODE_SEVERITY[mode], message: v.message };
  if (v.path) d.path = [...v.path];
  if (v.offset) d.offset = v.offset;
  if (extra.container) d.container = extra.container;
  if (extra.image !== undefined) d.image = extra.image;
  if (v.fix) d.fix = v.fix;
  return d;
}

/** The evaluation of an object the policy applies to: allowed unless an unwaived enforce decision. */
function finish(
  object: WorkloadId,
  decisions: PolicyDecision[],
  notes: string[],
  unchecked: UncheckedImage[],
): PolicyEvaluation {
  let allowed = true;
  for (const d of decisions) if (d.mode === "enforce" && !d.waived) allowed = false;
  return { object, applies: true, decisions, notes, unchecked, allowed };
}

function checkMatches(check: string, rule: string): boolean {
  if (check === rule) return true;
  if (check.endsWith("*")) return rule.startsWith(check.slice(0, -1));
  // "pss-restricted" waives every restricted check.
  return rule.startsWith(`${check}:`);
}

/** Does the exception's workload namespace allow this object (no namespace: any)? */
function inExceptionNamespace(x: PolicyException, id: WorkloadId): boolean {
  return !x.workload.namespace || x.workload.namespace === id.namespace;
}

function applyExceptions(
  policy: ImagePolicy,
  obj: Record<string, unknown>,
  id: WorkloadId,
  decisions: PolicyDecision[],
  now: Date | undefined,
  requester: EvaluationContext["requester"],
): string[] {
  const exceptions = policy.spec.exceptions;
  // Most objects are in no exception's namespace: then there is nothing to name or date.
  if (!exceptions?.some((x) => inExceptionNamespace(x, id))) return [];
  const names = exceptionNames(obj, id, requester);
  const today = (now ?? new Date()).toISOString().slice(0, 10);
  const notes: string[] = [];
  const applicable = exceptions.filter(
    (x: PolicyException) =>
      inExceptionNamespace(x, id) &&
      names.some((n) => n.name === x.workload.name && (!x.workload.kind || x.workload.kind === n.kind)),
  );
  for (const x of applicable) {
    const expired = x.expires < today;
    const who = `${x.workload.kind ?? "workload"} ${x.workload.namespace ? `${x.workload.namespace}/` : ""}${x.workload.name}`;
    let used = false;
    for (const d of decisions) {
      if (d.waived || !x.checks.some((c) => checkMatches(c, d.rule))) continue;
      used = true;
      if (expired) d.message += ` (the exception for ${who} expired on ${x.expires}; it no longer applies)`;
      else d.waived = { reason: x.reason, expires: x.expires };
    }
    if (expired && used)
      notes.push(
        `exception for ${who} (${x.checks.join(", ")}) expired on ${x.expires} and no longer applies`,
      );
  }
  return notes;
}

/** A decision in one line: `[rule] message`. */
export function decisionLine(d: PolicyDecision): string {
  return `[${d.rule}] ${d.message}`;
}

/** One line per unwaived decision of the given modes, for admission messages and logs. */
export function describeDecisions(e: PolicyEvaluation, modes: RuleMode[]): string[] {
  return e.decisions.filter((d) => !d.waived && modes.includes(d.mode)).map(decisionLine);
}

/** The denial message: every enforce-mode violation, in order. */
export function denialMessage(e: PolicyEvaluation): string {
  const lines = describeDecisions(e, ["enforce"]);
  const who =
    `${e.object.kind} ${e.object.namespace ? `${e.object.namespace}/` : ""}${e.object.name ?? ""}`.trim();
  return `portcullis denied ${who}: ${lines.length} violation${lines.length === 1 ? "" : "s"}: ${lines.join("; ")}`;
}
