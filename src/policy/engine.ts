/**
 * The policy engine: evaluatePolicy(policy, workload, context) → decisions with messages and a
 * verdict. `portcullis check` and the admission webhook both call it, so CI and the cluster say
 * the same thing in the same words. Generic: it knows modes, namespace selection, exemptions and
 * per-workload exceptions, not what any rule checks (rules/). Synchronous: image look-ups
 * (digests, signatures, scans) are made beforehand and passed in as `facts`.
 */
import { parseImageReference } from "../reference/cache.js";
import { InvalidReferenceError, type Reference } from "../reference/index.js";
import type { Severity } from "../report/finding.js";
import { exceptionNames } from "./owners.js";
import { matchAny } from "./patterns.js";
import {
  type ImageCheckInput,
  type ImageFacts,
  MODE_SEVERITY,
  type PolicyRule,
  type Violation,
} from "./rule.js";
import { POLICY_RULES } from "./rules/index.js";
import type { ImagePolicy, LabelSelector, PolicyException, PolicyRules, RuleMode } from "./types.js";
import {
  type ContainerRef,
  isWorkloadKind,
  type JsonPath,
  type PodView,
  podView,
  type WorkloadId,
  workloadId,
} from "./workload.js";

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
  /** Whether look-ups were made (false: rules needing them say so). */
  lookups?: boolean;
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
  /** Things worth telling about the evaluation itself (expired exceptions). */
  notes: string[];
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

/** Evaluate one workload object (Pod, Deployment, …, CronJob, PodTemplate). */
export function evaluatePolicy(
  policy: ImagePolicy,
  obj: Record<string, unknown>,
  ctx: EvaluationContext = {},
): PolicyEvaluation {
  const id = workloadId(obj, ctx.namespace ?? "default");
  const namespace = id.namespace ?? "default";
  if (!isWorkloadKind(obj.kind)) return notApplicable(id, `kind ${String(obj.kind)} runs no containers`);
  const gov = namespaceGoverned(policy, namespace, ctx.namespaceLabels, {
    selectorApplied: ctx.namespaceSelectorApplied,
  });
  if (!gov.governed) return notApplicable(id, gov.reason);
  const pod = podView(obj);
  if (!pod) return notApplicable(id, `${id.kind} has no pod spec`);
  const exemptAccounts = policy.spec.exemptions?.serviceAccounts;
  const sa = exemptAccounts?.length ? `${namespace}/${pod.serviceAccountName}` : undefined;
  if (sa && exemptAccounts?.includes(sa)) return notApplicable(id, `service account ${sa} is exempt`);

  const decisions: PolicyDecision[] = [];
  const decideFor = (v: Violation, rule: PolicyRule | undefined, container?: ContainerRef, image?: string) =>
    decisions.push(
      decide(policy, v, rule?.section, ctx.namespaceLabels, { container: container?.name, image }),
    );
  for (const c of pod.containers) {
    const subject = containerSubject(c);
    const imagePath = [...c.path, "image"];
    const parsed = parseImage(c.image, subject, imagePath);
    if ("violation" in parsed) {
      decideFor(parsed.violation, undefined, c, c.image);
      continue;
    }
    if (matchAny(policy.spec.exemptions?.images, parsed.ref.name)) continue;
    // One input for every image rule of this container (rules only read it).
    const input: ImageCheckInput = {
      policy,
      image: c.image,
      ref: parsed.ref,
      subject,
      container: c,
      pod,
      facts: ctx.facts?.get(c.image),
      lookups: ctx.lookups ?? false,
      path: imagePath,
    };
    for (const rule of POLICY_RULES) {
      if (rule.scope !== "image" || !policy.spec.rules?.[rule.section]) continue;
      for (const v of rule.check(input)) decideFor(v, rule, c, c.image);
    }
  }
  for (const rule of POLICY_RULES) {
    if (rule.scope !== "pod" || !policy.spec.rules?.[rule.section]) continue;
    for (const v of rule.check({ policy, obj, pod })) decideFor(v, rule, containerAt(pod, v.path));
  }
  const notes = applyExceptions(policy, obj, id, decisions, ctx.now, ctx.requester);
  return finish(id, decisions, notes);
}

/** The evaluation of an object the policy does not govern, and why. */
function notApplicable(object: WorkloadId, reason: string | undefined): PolicyEvaluation {
  return { object, decisions: [], notes: [], applies: false, allowed: true, reason };
}

/** "container app", "init container setup", "ephemeral container debugger": for messages. */
function containerSubject(c: ContainerRef): string {
  const what =
    c.kind === "containers"
      ? "container"
      : c.kind === "initContainers"
        ? "init container"
        : "ephemeral container";
  return `${what} ${c.name}`;
}

/** The container whose path a violation's path starts with, if any. */
function containerAt(pod: PodView, path: JsonPath | undefined): ContainerRef | undefined {
  if (!path) return undefined;
  return pod.containers.find((x) => x.path.every((p, i) => path[i] === p));
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
  const parsed = parseImage(image, subject, undefined);
  const decisions: PolicyDecision[] = [];
  if ("violation" in parsed) {
    decisions.push(decide(policy, parsed.violation, undefined, ctx.namespaceLabels, { image }));
  } else if (!matchAny(policy.spec.exemptions?.images, parsed.ref.name)) {
    for (const rule of POLICY_RULES) {
      if (rule.scope !== "image" || !policy.spec.rules?.[rule.section]) continue;
      for (const v of rule.check({
        policy,
        image,
        ref: parsed.ref,
        subject,
        facts: ctx.facts?.get(image),
        lookups: ctx.lookups ?? false,
      })) {
        decisions.push(decide(policy, v, rule.section, ctx.namespaceLabels, { image }));
      }
    }
  }
  return finish(object, decisions, []);
}

function parseImage(
  image: string,
  subject: string,
  path: JsonPath | undefined,
): { ref: Reference } | { violation: Violation } {
  if (!image) {
    return { violation: { rule: "image-reference-invalid", message: `${subject} has no image`, path } };
  }
  try {
    return { ref: parseImageReference(image) };
  } catch (err) {
    const why = err instanceof InvalidReferenceError ? err.message : String(err);
    return {
      violation: {
        rule: "image-reference-invalid",
        message: `${subject} uses image "${image}", which is not a valid reference: ${why}`,
        path,
      },
    };
  }
}

function decide(
  policy: ImagePolicy,
  v: Violation,
  section: keyof PolicyRules | undefined,
  nsLabels: Record<string, string> | undefined,
  extra: { container?: string; image?: string },
): PolicyDecision {
  const mode = ruleMode(policy, section, nsLabels);
  return {
    rule: v.rule,
    mode,
    severity: MODE_SEVERITY[mode],
    message: v.message,
    path: v.path,
    container: extra.container,
    image: extra.image,
    fix: v.fix,
  };
}

/** The evaluation of an object the policy applies to: allowed unless an unwaived enforce decision. */
function finish(object: WorkloadId, decisions: PolicyDecision[], notes: string[]): PolicyEvaluation {
  let allowed = true;
  for (const d of decisions) if (d.mode === "enforce" && !d.waived) allowed = false;
  return { object, applies: true, decisions, notes, allowed };
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
