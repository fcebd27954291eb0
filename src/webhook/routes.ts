/**
 * The admission routes: POST /validate, /mutate (AdmissionReview) and /imagereview
 * (ImageReview), served straight from the node:https request handler — they are the hot path
 * (the API server calls them for every workload write). Reads the body (bounded), parses it,
 * runs the review under the shared deadline, counts and logs the decision (within the log
 * budget, bounded in size) and answers. A request the server cannot read gets a 4xx with a
 * reason; a review that fails unexpectedly is answered with a denial, never left to time out.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "pino";
import {
  type AdmissionRequest,
  BadReviewError,
  imageReview,
  mutateReview,
  type PolicyRuntime,
  parseAdmissionReview,
  parseImageReview,
  type ReviewOutcome,
  validateReview,
} from "./admission.js";
import type { LogBudget, SharedDeadlines } from "./deadlines.js";
import { JSON_TYPE, parseJson, readBody, sendJson } from "./http.js";
import { bound, type WebhookMetrics } from "./metrics.js";

export interface RouteContext {
  runtime: PolicyRuntime;
  metrics: WebhookMetrics;
  log: Logger;
  deadlines: SharedDeadlines;
  decisionLogs: LogBudget;
  bodyLimit: number;
  closing(): boolean;
}

type Handler = (
  rt: PolicyRuntime,
  req: Parameters<typeof validateReview>[1],
  signal: AbortSignal,
) => Promise<ReviewOutcome>;
type Route = (endpoint: string, body: unknown, res: ServerResponse, end: () => void) => Promise<void>;

/** Longest log field taken from a review (messages, notes): log lines stay bounded. */
const LOG_FIELD = 2000;
const clip = (s: string | undefined) =>
  s && s.length > LOG_FIELD ? `${s.slice(0, LOG_FIELD)}… (${s.length} characters)` : s;

function internalError(uid: string, err: Error): ReviewOutcome {
  return {
    decision: "denied",
    response: {
      uid,
      allowed: false,
      status: { code: 500, message: `portcullis: internal error: ${clip(err.message)}` },
    },
  };
}

/** Log a decision worth keeping (within the budget, bounded fields). */
function logReviewDecision(
  ctx: RouteContext,
  endpoint: string,
  r: AdmissionRequest,
  outcome: ReviewOutcome,
): void {
  const { log } = ctx;
  const resp = outcome.response;
  // Decisions worth keeping (denials, findings, unknown kinds) at info; the rest at debug.
  const level =
    outcome.decision === "denied" ||
    (outcome.decision === "skipped" && outcome.note?.startsWith("unknown kind")) ||
    resp.warnings?.length ||
    resp.auditAnnotations
      ? "info"
      : "debug";
  if (!log.isLevelEnabled(level) || !ctx.decisionLogs.take()) return;
  const fields = {
    endpoint,
    uid: r.uid,
    kind: r.kind.kind,
    namespace: r.namespace,
    name: r.name ?? (r.object?.metadata as { name?: string } | undefined)?.name,
    operation: r.operation,
    dryRun: r.dryRun === true,
    user: r.userInfo?.username,
    decision: outcome.decision,
    note: clip(outcome.note),
  };
  if (outcome.decision === "denied") log.info({ ...fields, message: clip(resp.status?.message) }, "denied");
  else if (level === "debug") log.debug(fields, outcome.decision);
  else if (outcome.decision === "skipped") log.info(fields, outcome.note);
  else
    log.info(
      {
        ...fields,
        warnings: resp.warnings?.map(clip),
        audit: resp.auditAnnotations && {
          "portcullis.dev/audit": clip(resp.auditAnnotations["portcullis.dev/audit"]),
        },
      },
      "allowed with findings",
    );
}

/** The request handler for the admission routes; it answers false for any other request. */
export function admissionRoutes(ctx: RouteContext): (req: IncomingMessage, res: ServerResponse) => boolean {
  const { metrics, log } = ctx;
  const countRequest = (endpoint: string, code: string) =>
    bound(metrics.requests, `${endpoint} ${code}`, { endpoint, code }).inc();
  const countDecision = (endpoint: string, decision: string, dryRun: boolean) =>
    bound(metrics.decisions, `${endpoint} ${decision} ${dryRun}`, {
      endpoint,
      decision,
      dry_run: String(dryRun),
    }).inc();
  const reject = (res: ServerResponse, endpoint: string, status: number, reason: string) => {
    countRequest(endpoint, String(status));
    log.warn({ path: `/${endpoint}`, status, reason: clip(reason) }, "request rejected");
    sendJson(res, status, { error: reason }, status === 413);
  };

  const logDecision = (endpoint: string, r: AdmissionRequest, outcome: ReviewOutcome) =>
    logReviewDecision(ctx, endpoint, r, outcome);

  const admission =
    (handler: Handler): Route =>
    async (endpoint, body, res, end) => {
      let parsed: ReturnType<typeof parseAdmissionReview>;
      try {
        parsed = parseAdmissionReview(body);
      } catch (err) {
        end();
        reject(res, endpoint, 400, `malformed AdmissionReview: ${(err as Error).message}`);
        return;
      }
      const r = parsed.request;
      let outcome: ReviewOutcome;
      try {
        outcome = await handler(ctx.runtime, r, ctx.deadlines.signal());
      } catch (err) {
        // A bug or an unexpected failure: answer (so the API server applies no timeout) and deny.
        log.error({ endpoint, uid: r.uid, err: clip((err as Error).message) }, "review failed");
        outcome = internalError(r.uid, err as Error);
      }
      countDecision(endpoint, outcome.decision, r.dryRun === true);
      countRequest(endpoint, "200");
      logDecision(endpoint, r, outcome);
      end();
      // While shutting down, close the connection after the answer so the server can stop.
      sendJson(
        res,
        200,
        { apiVersion: parsed.apiVersion, kind: "AdmissionReview", response: outcome.response },
        ctx.closing(),
      );
    };

  const imageReviewRoute: Route = async (endpoint, body, res, end) => {
    let review: ReturnType<typeof parseImageReview>;
    try {
      review = parseImageReview(body);
    } catch (err) {
      if (!(err instanceof BadReviewError)) throw err;
      end();
      reject(res, endpoint, 400, `malformed ImageReview: ${err.message}`);
      return;
    }
    const out = await imageReview(ctx.runtime, review, ctx.deadlines.signal());
    countRequest(endpoint, "200");
    countDecision(endpoint, out.status?.allowed ? "allowed" : "denied", false);
    if (!out.status?.allowed && ctx.decisionLogs.take())
      log.info({ endpoint, reason: clip(out.status?.reason) }, "denied");
    end();
    sendJson(res, 200, out, ctx.closing());
  };

  const routes = new Map<string, Route>([
    ["/validate", admission(validateReview)],
    ["/mutate", admission(mutateReview)],
    ["/imagereview", imageReviewRoute],
  ]);

  return (req, res) => {
    if (req.method !== "POST") return false;
    const url = req.url ?? "";
    const q = url.indexOf("?"); // the API server adds ?timeout=10s
    const path = q < 0 ? url : url.slice(0, q);
    const route = routes.get(path);
    if (!route) return false;
    const endpoint = path.slice(1);
    const t0 = performance.now();
    let timed = false;
    const end = () => {
      if (timed) return;
      timed = true;
      metrics.latency.observe({ endpoint }, (performance.now() - t0) / 1000);
    };
    if (ctx.closing()) {
      end();
      sendJson(res, 503, { error: "shutting down" }, true);
      return true;
    }
    const type = req.headers["content-type"];
    if (type !== undefined && !JSON_TYPE.test(type)) {
      end();
      reject(res, endpoint, 415, `unsupported content type ${JSON.stringify(type)}: send application/json`);
      return true;
    }
    readBody(
      req,
      ctx.bodyLimit,
      (text) => {
        let body: unknown;
        try {
          body = parseJson(text);
        } catch (err) {
          end();
          reject(res, endpoint, 400, `malformed request body: ${(err as Error).message}`);
          return;
        }
        route(endpoint, body, res, end).catch((err: Error) => {
          end();
          countRequest(endpoint, "500");
          log.error({ endpoint, err: clip(err.message) }, "request failed");
          if (!res.headersSent) sendJson(res, 500, { error: err.message });
          else res.destroy();
        });
      },
      (why) => {
        end();
        if (why) reject(res, endpoint, why.status, why.reason);
      },
    );
    return true;
  };
}
