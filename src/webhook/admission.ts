/**
 * The admission protocol: admission.k8s.io/v1 AdmissionReview for /validate and /mutate, and
 * imagepolicy.k8s.io/v1alpha1 ImageReview for /imagereview. Parsing (with a reason for a 400),
 * then the policy engine, then the response. Transport-free: server.ts does HTTP, metrics, logs.
 */
import {
  decisionLine,
  denialMessage,
  describeDecisions,
  evaluateImage,
  evaluatePolicy,
  isWorkloadKind,
  namespaceGoverned,
  type PolicyEvaluation,
  workloadImages,
} from "../policy/engine.js";
import type { ImageInspector } from "../policy/inspector.js";
import { policyNeedsLookups } from "../policy/lookups.js";
import type { ImagePolicy } from "../policy/types.js";
import {
  distinctImages,
  gatherBounded,
  imageCountProblem,
  type ReviewLimits,
  reviewLimits,
  summarise,
} from "./lookups.js";
import { computePatch } from "./mutate.js";

export class BadReviewError extends Error {
  override readonly name = "BadReviewError";
}

export interface AdmissionRequest {
  uid: string;
  kind: { group?: string; version?: string; kind: string };
  resource?: { group?: string; version?: string; resource?: string };
  subResource?: string;
  name?: string;
  namespace?: string;
  operation: string;
  userInfo?: { username?: string };
  object?: Record<string, unknown> | null;
  oldObject?: Record<string, unknown> | null;
  dryRun?: boolean;
}

export interface AdmissionResponse {
  uid: string;
  allowed: boolean;
  status?: { code: number; reason?: string; message: string };
  warnings?: string[];
  patchType?: "JSONPatch";
  patch?: string;
  auditAnnotations?: Record<string, string>;
}

export interface AdmissionReview {
  apiVersion: string;
  kind: "AdmissionReview";
  request?: AdmissionRequest;
  response?: AdmissionResponse;
}

const REVIEW_VERSIONS = ["admission.k8s.io/v1", "admission.k8s.io/v1beta1"];

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}

/** Check the shape of an AdmissionReview; throws BadReviewError naming what is wrong. */
export function parseAdmissionReview(body: unknown): { apiVersion: string; request: AdmissionRequest } {
  if (!isRecord(body)) throw new BadReviewError("body is not a JSON object");
  if (body.kind !== "AdmissionReview")
    throw new BadReviewError(`kind must be AdmissionReview, got ${JSON.stringify(body.kind)}`);
  if (typeof body.apiVersion !== "string" || !REVIEW_VERSIONS.includes(body.apiVersion)) {
    throw new BadReviewError(
      `apiVersion must be admission.k8s.io/v1, got ${JSON.stringify(body.apiVersion)}`,
    );
  }
  const r = body.request;
  if (!isRecord(r)) throw new BadReviewError("request is missing");
  if (typeof r.uid !== "string" || !r.uid) throw new BadReviewError("request.uid is missing");
  if (!isRecord(r.kind) || typeof r.kind.kind !== "string")
    throw new BadReviewError("request.kind.kind is missing");
  if (typeof r.operation !== "string") throw new BadReviewError("request.operation is missing");
  if (r.object !== undefined && r.object !== null && !isRecord(r.object)) {
    throw new BadReviewError("request.object is not an object");
  }
  if (["CREATE", "UPDATE"].includes(r.operation) && !isRecord(r.object)) {
    throw new BadReviewError(`request.object is missing for ${r.operation}`);
  }
  return { apiVersion: body.apiVersion, request: r as unknown as AdmissionRequest };
}

export interface PolicyRuntime {
  policy: ImagePolicy;
  inspector: ImageInspector;
  /** Labels of namespaces (learnt from Namespace reviews and the configured map). */
  namespaceLabels: Map<string, Record<string, string>>;
  /** The image cap and the shared look-up bound (default: lookups.ts defaults). */
  limits?: ReviewLimits;
  now?: () => Date;
}

const defaultLimits = new WeakMap<PolicyRuntime, ReviewLimits>();
function limitsOf(rt: PolicyRuntime): ReviewLimits {
  if (rt.limits) return rt.limits;
  let l = defaultLimits.get(rt);
  if (!l) defaultLimits.set(rt, (l = reviewLimits()));
  return l;
}

export interface ReviewOutcome {
  response: AdmissionResponse;
  /** What happened, for logs and metrics. */
  decision: "allowed" | "denied" | "skipped";
  note?: string;
  evaluation?: PolicyEvaluation;
}

/**
 * The labels to judge a namespace by. AdmissionReviews carry no namespace labels; when the
 * webhook has not learnt them (Namespace reviews, --namespace-labels), the policy's
 * namespaceSelector cannot be evaluated here, and reading the unknown labels as "no labels"
 * would silently un-select every namespace (fail open). The API server has already applied
 * the selector (`webhook install` copies it into the webhook configuration), so an unknown
 * namespace is judged as selected; name exemptions still apply.
 */
function namespaceFacts(
  rt: PolicyRuntime,
  namespace: string,
): { labels: Record<string, string> | undefined; selectorApplied: boolean } {
  const labels = rt.namespaceLabels.get(namespace);
  return { labels, selectorApplied: labels === undefined };
}

/** Warnings are shown to kubectl users; the API server truncates long ones, so keep them short. */
function warning(text: string): string {
  return text.length > 250 ? `${text.slice(0, 247)}...` : text;
}

/** At most this many warnings per answer (the last one says how many were left out). */
const MAX_WARNINGS = 10;
function boundedWarnings(lines: string[]): string[] {
  if (lines.length <= MAX_WARNINGS) return lines.map(warning);
  return [
    ...lines.slice(0, MAX_WARNINGS - 1).map(warning),
    `portcullis: ${lines.length - MAX_WARNINGS + 1} more warnings left out`,
  ];
}

/** One violation line in a denial: long image names do not make an unbounded message. */
const LINE = 400;
const clipLine = (s: string) => (s.length > LINE ? `${s.slice(0, LINE - 3)}...` : s);
/** Few and not huge: as they are (the same words as `check`); else "N what, first 5: …", clipped. */
const fits = (lines: string[]) => lines.length <= 5 && lines.reduce((n, l) => n + l.length, 0) <= 10 * LINE;
const boundedList = (lines: string[], what: string) =>
  fits(lines) ? lines.join("; ") : summarise(lines.map(clipLine), what);

/**
 * The denial message: every violation when there are few, else "N violations, first 5: …"
 * (the API server passes the message to the client and audit log: it must stay bounded).
 */
function boundedDenial(e: PolicyEvaluation): string {
  const lines = describeDecisions(e, ["enforce"]);
  // Few and not huge: the engine's own message, word for word as `check` prints it.
  if (fits(lines)) return denialMessage(e);
  const who =
    `${e.object.kind} ${e.object.namespace ? `${e.object.namespace}/` : ""}${e.object.name ?? ""}`.trim();
  return `portcullis denied ${who}: ${summarise(lines.map(clipLine), "violations")}`;
}

function needsLookups(policy: ImagePolicy): boolean {
  return policyNeedsLookups(policy);
}

/**
 * The object as the engine must see it. The request's kind and namespace are the authority (the
 * API server routes and stores by them); the object's own `kind` and `metadata.namespace` are
 * attacker-written text and must not pick the rules or a namespace exemption.
 */
function objectFor(req: AdmissionRequest): Record<string, unknown> {
  const obj = { ...(req.object as Record<string, unknown>) };
  obj.kind = req.kind.kind;
  const md = isRecord(obj.metadata) ? { ...obj.metadata } : {};
  // Always the request's namespace, also when it is empty: never the object's own claim.
  md.namespace = reviewNamespace(req);
  if (!md.name && req.name) md.name = req.name;
  obj.metadata = md;
  return obj;
}

/**
 * The namespace a review is judged in: the request's, as the API server sent it. Empty or
 * missing stays empty (no name exemption, no learnt labels match it: judged strictly); it never
 * falls back to the object's `metadata.namespace` or to "default".
 */
function reviewNamespace(req: AdmissionRequest): string {
  return typeof req.namespace === "string" ? req.namespace : "";
}

function skipped(uid: string, note: string): ReviewOutcome {
  return { response: { uid, allowed: true }, decision: "skipped", note };
}

/**
 * Warn-mode lines (shortened, for kubectl) and audit-mode lines of an evaluation, in one pass:
 * what describeDecisions(e, ["warn"]) and (e, ["audit"]) say.
 */
function findingLines(e: PolicyEvaluation): { warnings: string[]; audit: string[] } {
  const warnings: string[] = [];
  const audit: string[] = [];
  for (const d of e.decisions) {
    if (d.waived || d.mode === "enforce") continue;
    const line = decisionLine(d);
    if (d.mode === "warn") warnings.push(warning(line));
    else audit.push(line);
  }
  return { warnings, audit };
}

/**
 * A Namespace review: learn or forget its labels. Labels can only soften the policy
 * (un-select, cap the mode), so only what the API server has stored is believed: the
 * `oldObject` of an UPDATE (the namespace as it exists). The new object of a CREATE or UPDATE
 * is a request that may still fail (a CREATE of an existing name fails with AlreadyExists after
 * admission, a later webhook may refuse an UPDATE) and is never learnt; its labels take effect
 * with the next UPDATE, or through --namespace-labels. A DELETE forgets the labels (unknown is
 * judged strictly). Dry runs teach nothing.
 */
function namespaceReview(rt: PolicyRuntime, req: AdmissionRequest): ReviewOutcome {
  const nameOf = (o: unknown) =>
    isRecord(o) && isRecord(o.metadata) && typeof o.metadata.name === "string" ? o.metadata.name : undefined;
  const name = req.name || nameOf(req.oldObject) || nameOf(req.object);
  if (!name || req.dryRun) return skipped(req.uid, "namespace review (dry run or unnamed)");
  if (req.operation === "DELETE") {
    rt.namespaceLabels.delete(name);
    return skipped(req.uid, "namespace labels forgotten");
  }
  const old = req.oldObject;
  if (req.operation === "UPDATE" && isRecord(old) && nameOf(old) === name) {
    const labels = isRecord(old.metadata) && isRecord(old.metadata.labels) ? old.metadata.labels : {};
    const stored: Record<string, string> = {};
    for (const [k, v] of Object.entries(labels)) if (typeof v === "string") stored[k] = v;
    rt.namespaceLabels.set(name, stored);
    return skipped(req.uid, "namespace labels noted (as stored by the API server)");
  }
  return skipped(req.uid, "namespace labels not learnt from an unconfirmed request");
}

/** A denial for a review naming more distinct images than the cap (undefined when under it). */
function overImageCap(rt: PolicyRuntime, uid: string, images: string[]): ReviewOutcome | undefined {
  const problem = imageCountProblem(distinctImages(images).length, limitsOf(rt));
  if (!problem) return undefined;
  return {
    response: { uid, allowed: false, status: { code: 403, reason: "Forbidden", message: problem } },
    decision: "denied",
    note: "too many images",
  };
}

/** /validate: allowed or denied with every violation; warnings for warn mode. */
export async function validateReview(
  rt: PolicyRuntime,
  req: AdmissionRequest,
  signal: AbortSignal,
): Promise<ReviewOutcome> {
  if (req.kind.kind === "Namespace") return namespaceReview(rt, req);
  if (req.operation !== "CREATE" && req.operation !== "UPDATE")
    return skipped(req.uid, `operation ${req.operation} not checked`);
  // Known kinds, and any kind whose object carries a pod template (the workload model's rule).
  if (!isWorkloadKind(req.kind.kind) && workloadImages(req.object).length === 0)
    return skipped(req.uid, `unknown kind ${req.kind.kind}: allowed`);
  if (req.subResource && req.subResource !== "ephemeralcontainers")
    return skipped(req.uid, `subresource ${req.subResource} not checked`);
  const obj = objectFor(req);
  const namespace = reviewNamespace(req);
  const policy = rt.policy;
  const { labels, selectorApplied } = namespaceFacts(rt, namespace);
  const images = workloadImages(obj);
  const capped = overImageCap(rt, req.uid, images);
  if (capped) return capped;
  let facts: Awaited<ReturnType<typeof gatherBounded>> | undefined;
  if (needsLookups(policy) && namespaceGoverned(policy, namespace, labels, { selectorApplied }).governed)
    facts = await gatherBounded(rt.inspector, policy, images, limitsOf(rt), signal);
  const e = evaluatePolicy(policy, obj, {
    namespace,
    namespaceLabels: labels,
    namespaceSelectorApplied: selectorApplied,
    facts,
    lookups: true,
    now: rt.now?.(),
    requester: req.userInfo,
  });
  const { warnings, audit } = findingLines(e);
  for (const n of e.notes) warnings.push(warning(`portcullis: ${n}`));
  const response: AdmissionResponse = { uid: req.uid, allowed: e.allowed };
  if (warnings.length) response.warnings = boundedWarnings(warnings);
  if (audit.length) response.auditAnnotations = { "portcullis.dev/audit": boundedList(audit, "findings") };
  if (!e.allowed) response.status = { code: 403, reason: "Forbidden", message: boundedDenial(e) };
  return {
    response,
    decision: e.applies ? (e.allowed ? "allowed" : "denied") : "skipped",
    evaluation: e,
    note: e.reason,
  };
}

/** /mutate: pin tags to digests and set imagePullPolicy, as spec.mutation says. Never denies. */
export async function mutateReview(
  rt: PolicyRuntime,
  req: AdmissionRequest,
  signal: AbortSignal,
): Promise<ReviewOutcome> {
  const base = { uid: req.uid };
  if (req.operation !== "CREATE" && req.operation !== "UPDATE") {
    return { response: { ...base, allowed: true }, decision: "skipped", note: `operation ${req.operation}` };
  }
  if ((!isWorkloadKind(req.kind.kind) && workloadImages(req.object).length === 0) || req.subResource) {
    return {
      response: { ...base, allowed: true },
      decision: "skipped",
      note: `unknown kind ${req.kind.kind}: allowed`,
    };
  }
  const obj = objectFor(req);
  const namespace = reviewNamespace(req);
  const policy = rt.policy;
  const { labels, selectorApplied } = namespaceFacts(rt, namespace);
  const gov = namespaceGoverned(policy, namespace, labels, { selectorApplied });
  if (!gov.governed) return { response: { ...base, allowed: true }, decision: "skipped", note: gov.reason };
  const images = workloadImages(obj);
  const count = distinctImages(images).length;
  if (imageCountProblem(count, limitsOf(rt))) {
    // Mutation never denies; validation denies the object with the same cap.
    const why = `portcullis did not pin any image: the object names ${count} distinct images, more than the ${limitsOf(rt).maxImages} a review may look up`;
    return { response: { ...base, allowed: true, warnings: [why] }, decision: "skipped", note: why };
  }
  const { ops, warnings } = await computePatch(policy, obj, rt.inspector, signal, limitsOf(rt));
  const response: AdmissionResponse = { ...base, allowed: true };
  if (ops.length) {
    response.patchType = "JSONPatch";
    response.patch = Buffer.from(JSON.stringify(ops)).toString("base64");
  }
  if (warnings.length) response.warnings = boundedWarnings(warnings);
  return { response, decision: "allowed", note: `${ops.length} patch operation(s)` };
}

export interface ImageReview {
  apiVersion: string;
  kind: "ImageReview";
  spec?: { containers?: { image?: string }[]; annotations?: Record<string, string>; namespace?: string };
  status?: { allowed: boolean; reason?: string; auditAnnotations?: Record<string, string> };
}

export function parseImageReview(body: unknown): ImageReview {
  if (!isRecord(body)) throw new BadReviewError("body is not a JSON object");
  if (body.kind !== "ImageReview")
    throw new BadReviewError(`kind must be ImageReview, got ${JSON.stringify(body.kind)}`);
  if (body.apiVersion !== "imagepolicy.k8s.io/v1alpha1") {
    throw new BadReviewError(
      `apiVersion must be imagepolicy.k8s.io/v1alpha1, got ${JSON.stringify(body.apiVersion)}`,
    );
  }
  if (!isRecord(body.spec) || !Array.isArray(body.spec.containers))
    throw new BadReviewError("spec.containers is missing");
  body.spec.containers.forEach((c, i) => {
    if (!isRecord(c)) throw new BadReviewError(`spec.containers[${i}] is not an object`);
    if (c.image !== undefined && typeof c.image !== "string")
      throw new BadReviewError(`spec.containers[${i}].image is not a string`);
  });
  if (body.spec.namespace !== undefined && typeof body.spec.namespace !== "string")
    throw new BadReviewError("spec.namespace is not a string");
  return body as unknown as ImageReview;
}

/** /imagereview: the image rules for each container image (the plugin sends no pod). */
export async function imageReview(
  rt: PolicyRuntime,
  review: ImageReview,
  signal: AbortSignal,
): Promise<ImageReview> {
  const namespace = review.spec?.namespace || "default";
  const images = (review.spec?.containers ?? []).map((c) => c.image ?? "");
  const out = (allowed: boolean, reason?: string, audit?: string[]): ImageReview => ({
    apiVersion: review.apiVersion,
    kind: "ImageReview",
    status: {
      allowed,
      ...(reason ? { reason } : {}),
      ...(audit?.length ? { auditAnnotations: { "portcullis.dev/audit": audit.join("; ") } } : {}),
    },
  });
  const policy = rt.policy;
  const { labels, selectorApplied } = namespaceFacts(rt, namespace);
  if (!namespaceGoverned(policy, namespace, labels, { selectorApplied }).governed) return out(true);
  const tooMany = imageCountProblem(distinctImages(images).length, limitsOf(rt));
  if (tooMany) return out(false, tooMany);
  const facts = needsLookups(policy)
    ? await gatherBounded(rt.inspector, policy, images, limitsOf(rt), signal)
    : undefined;
  const problems: string[] = [];
  const audit: string[] = [];
  images.forEach((image, i) => {
    const e = evaluateImage(policy, image, `container ${i}`, {
      namespaceLabels: labels,
      facts,
      lookups: true,
    });
    problems.push(...describeDecisions(e, ["enforce"]));
    audit.push(...describeDecisions(e, ["warn", "audit"]));
  });
  return problems.length
    ? out(
        false,
        `portcullis denied: ${boundedList(problems, "problems")}`,
        audit.length ? [boundedList(audit, "findings")] : [],
      )
    : out(true, undefined, audit.length ? [boundedList(audit, "findings")] : []);
}
