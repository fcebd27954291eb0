/**
 * The admission webhook server over HTTPS: /validate, /mutate (AdmissionReview) and /imagereview
 * (ImageReview) on a lean node:https path (the hot path), /healthz, /readyz and /metrics through
 * fastify; JSON logs with pino; a per-request deadline; hot reload of the policy file and TLS
 * certificate (a broken policy on reload keeps the last good one and logs why; at start it
 * refuses to start); graceful shutdown (in-flight reviews finish, new ones get 503).
 */
import { setMaxListeners } from "node:events";
import { readFileSync, type Stats, unwatchFile, watchFile } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer as createHttpsServer, type Server as HttpsServer } from "node:https";
import Fastify, { type FastifyInstance } from "fastify";
import { type Logger, pino } from "pino";
import { ImageInspector, type InspectorOptions } from "../policy/inspector.js";
import { loadPolicyFile, PolicyError } from "../policy/load.js";
import { loadOptionalModules } from "../policy/optional-modules.js";
import type { LoadedPolicy } from "../policy/types.js";
import {
  BadReviewError,
  imageReview,
  mutateReview,
  type PolicyRuntime,
  parseAdmissionReview,
  parseImageReview,
  type ReviewOutcome,
  validateReview,
} from "./admission.js";
import { bound, createMetrics, type WebhookMetrics } from "./metrics.js";
import { generateServingCert } from "./tls.js";

export interface WebhookOptions {
  policyFile: string;
  host?: string;
  port?: number;
  tlsCert?: string;
  tlsKey?: string;
  /** Where to write a generated CA and certificate (default: a new temp folder). */
  tlsDir?: string;
  /** Per-request deadline in ms (default 10 000); keep it under the webhook's timeoutSeconds. */
  deadlineMs?: number;
  /** Labels of namespaces, by name (the API server does not send them with a review). */
  namespaceLabels?: Record<string, Record<string, string>>;
  inspector?: InspectorOptions;
  logger?: Logger;
  /** How often the policy and certificate files are checked for changes (ms, default 2000; 0 = never). */
  watchIntervalMs?: number;
  bodyLimit?: number;
  /**
   * At most this many per-request decision log lines (denials, findings, unknown kinds; debug
   * lines) a second, then one summary line a second with the number left out (default 100;
   * 0 = no limit). Metrics count every decision regardless.
   */
  decisionLogsPerSecond?: number;
  /** Most connections open at once (default 1024): slow or idle clients cannot exhaust memory. */
  maxConnections?: number;
  /** Time allowed for a request's headers to arrive (ms, default 10 000). */
  headersTimeoutMs?: number;
  now?: () => Date;
}

export interface WebhookServer {
  app: FastifyInstance;
  url: string;
  /** PEM of the CA that signed the serving certificate (generated), or the given certificate. */
  caCert: string;
  caCertFile?: string;
  metrics: WebhookMetrics;
  inspector: ImageInspector;
  current(): LoadedPolicy;
  /** Re-read the policy file: true when the new one is in force. */
  reloadPolicy(): boolean;
  reloadTls(): boolean;
  close(): Promise<void>;
}

/** Start the server. Throws PolicyError when the policy is invalid (refuses to start). */
export async function startWebhook(opts: WebhookOptions): Promise<WebhookServer> {
  // Asynchronous writes by default: a synchronous write to a busy stdout pipe would stall reviews.
  const log = opts.logger ?? pino({ name: "portcullis-webhook" }, pino.destination({ sync: false }));
  let loaded = loadPolicyFile(opts.policyFile);
  await loadOptionalModules();
  const metrics = createMetrics();
  const countRequest = (endpoint: string, code: string) =>
    bound(metrics.requests, `${endpoint} ${code}`, { endpoint, code }).inc();
  const countDecision = (endpoint: string, decision: string, dryRun: boolean) =>
    bound(metrics.decisions, `${endpoint} ${decision} ${dryRun}`, {
      endpoint,
      decision,
      dry_run: String(dryRun),
    }).inc();
  const inspector = new ImageInspector({
    ...opts.inspector,
    onCacheEvent: (cache, event) => bound(metrics.cache, `${cache} ${event}`, { cache, event }).inc(),
  });
  const host = opts.host ?? "127.0.0.1";
  let tls: { key: string; cert: string; ca: string; caFile?: string };
  if (opts.tlsCert && opts.tlsKey) {
    const cert = readFileSync(opts.tlsCert, "utf8");
    tls = { cert, key: readFileSync(opts.tlsKey, "utf8"), ca: cert };
  } else {
    const hosts = [
      ...new Set(["localhost", "127.0.0.1", host === "0.0.0.0" || host === "::" ? "localhost" : host]),
    ];
    const g = generateServingCert(hosts, { dir: opts.tlsDir });
    tls = { cert: g.cert, key: g.key, ca: g.caCert, caFile: g.caCertFile };
    log.info(
      { caFile: g.caCertFile, certFile: g.certFile, hosts },
      "generated a self-signed CA and serving certificate for this session",
    );
  }
  const runtime: PolicyRuntime = {
    policy: loaded.policy,
    inspector,
    namespaceLabels: new Map(Object.entries(opts.namespaceLabels ?? {})),
    now: opts.now,
  };
  let ready = false;
  const deadlineMs = opts.deadlineMs ?? 10_000;

  // The admission routes (POST /validate, /mutate, /imagereview) are served straight from the
  // node:https request handler: they are the hot path (the API server calls them for every
  // workload write), and fastify's hooks, content-type parser and reply pipeline cost about as
  // much as the policy engine there (bench/webhook.bench.ts; docs/webhook.md, Performance).
  // Everything else (health, readiness, metrics, 404s, 503 on closing) goes through fastify.
  const bodyLimit = opts.bodyLimit ?? 3 * 1024 * 1024;
  const deadlines = new SharedDeadlines(deadlineMs);
  const decisionLogs = new LogBudget(opts.decisionLogsPerSecond ?? 100, (suppressed, limit) =>
    log.info(
      { suppressed, limitPerSecond: limit },
      `${suppressed} decision log lines suppressed in the last second (the metrics count every decision)`,
    ),
  );
  let closing = false;

  type Handler = (
    rt: PolicyRuntime,
    req: Parameters<typeof validateReview>[1],
    signal: AbortSignal,
  ) => Promise<ReviewOutcome>;
  type Route = (endpoint: string, body: unknown, res: ServerResponse, end: () => void) => Promise<void>;

  /** A request the server cannot read (not JSON, too large, ...): 4xx with a reason. */
  const reject = (
    res: ServerResponse,
    endpoint: string,
    status: number,
    reason: string,
    end?: () => void,
  ) => {
    end?.();
    countRequest(endpoint, String(status));
    log.warn({ path: `/${endpoint}`, status, reason }, "request rejected");
    sendJson(res, status, { error: reason }, status === 413);
  };

  const admission =
    (handler: Handler): Route =>
    async (endpoint, body, res, end) => {
      let parsed: ReturnType<typeof parseAdmissionReview>;
      try {
        parsed = parseAdmissionReview(body);
      } catch (err) {
        end();
        countRequest(endpoint, "400");
        log.warn({ endpoint, reason: (err as Error).message }, "malformed AdmissionReview");
        sendJson(res, 400, { error: `malformed AdmissionReview: ${(err as Error).message}` });
        return;
      }
      const r = parsed.request;
      let outcome: ReviewOutcome;
      try {
        outcome = await handler(runtime, r, deadlines.signal());
      } catch (err) {
        // A bug or an unexpected failure: answer (so the API server applies no timeout) and deny.
        log.error({ endpoint, uid: r.uid, err: (err as Error).message }, "review failed");
        outcome = {
          decision: "denied",
          response: {
            uid: r.uid,
            allowed: false,
            status: { code: 500, message: `portcullis: internal error: ${(err as Error).message}` },
          },
        };
      }
      const dryRun = r.dryRun === true;
      countDecision(endpoint, outcome.decision, dryRun);
      countRequest(endpoint, "200");
      const resp = outcome.response;
      // Decisions worth keeping (denials, findings, unknown kinds) at info; the rest at debug.
      const level =
        outcome.decision === "denied" ||
        (outcome.decision === "skipped" && outcome.note?.startsWith("unknown kind")) ||
        resp.warnings?.length ||
        resp.auditAnnotations
          ? "info"
          : "debug";
      if (log.isLevelEnabled(level) && decisionLogs.take()) {
        const fields = {
          endpoint,
          uid: r.uid,
          kind: r.kind.kind,
          namespace: r.namespace,
          name: r.name ?? (r.object?.metadata as { name?: string } | undefined)?.name,
          operation: r.operation,
          dryRun,
          user: r.userInfo?.username,
          decision: outcome.decision,
          note: outcome.note,
        };
        if (outcome.decision === "denied") log.info({ ...fields, message: resp.status?.message }, "denied");
        else if (level === "debug") log.debug(fields, outcome.decision);
        else if (outcome.decision === "skipped") log.info(fields, outcome.note);
        else
          log.info(
            { ...fields, warnings: resp.warnings, audit: resp.auditAnnotations },
            "allowed with findings",
          );
      }
      end();
      sendJson(res, 200, { apiVersion: parsed.apiVersion, kind: "AdmissionReview", response: resp });
    };

  const imageReviewRoute: Route = async (endpoint, body, res, end) => {
    let review: ReturnType<typeof parseImageReview>;
    try {
      review = parseImageReview(body);
    } catch (err) {
      if (!(err instanceof BadReviewError)) throw err;
      end();
      countRequest(endpoint, "400");
      log.warn({ endpoint, reason: (err as Error).message }, "malformed ImageReview");
      sendJson(res, 400, { error: `malformed ImageReview: ${(err as Error).message}` });
      return;
    }
    const out = await imageReview(runtime, review, deadlines.signal());
    countRequest(endpoint, "200");
    countDecision(endpoint, out.status?.allowed ? "allowed" : "denied", false);
    if (!out.status?.allowed && decisionLogs.take())
      log.info({ endpoint, reason: out.status?.reason }, "denied");
    end();
    sendJson(res, 200, out);
  };

  const routes = new Map<string, Route>([
    ["/validate", admission(validateReview)],
    ["/mutate", admission(mutateReview)],
    ["/imagereview", imageReviewRoute],
  ]);

  /** The lean path: read the body (bounded), parse JSON, run the route; false = not ours. */
  const serveAdmission = (req: IncomingMessage, res: ServerResponse): boolean => {
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
    if (closing) {
      end();
      sendJson(res, 503, { error: "shutting down" }, true);
      return true;
    }
    const type = req.headers["content-type"];
    if (type !== undefined && !JSON_TYPE.test(type)) {
      reject(
        res,
        endpoint,
        415,
        `unsupported content type ${JSON.stringify(type)}: send application/json`,
        end,
      );
      return true;
    }
    const declared = Number(req.headers["content-length"] ?? 0);
    if (declared > bodyLimit) {
      reject(res, endpoint, 413, `request body is larger than ${bodyLimit} bytes`, end);
      return true;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on("data", (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > bodyLimit) {
        failed = true;
        reject(res, endpoint, 413, `request body is larger than ${bodyLimit} bytes`, end);
        return;
      }
      chunks.push(chunk);
    });
    req.on("error", () => {
      failed = true; // the client went away; nothing to answer
      end();
    });
    req.on("end", () => {
      if (failed) return;
      let body: unknown;
      try {
        body = parseJson((chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)).toString("utf8"));
      } catch (err) {
        reject(res, endpoint, 400, `malformed request body: ${(err as Error).message}`, end);
        return;
      }
      route(endpoint, body, res, end).catch((err: Error) => {
        end();
        countRequest(endpoint, "500");
        log.error({ endpoint, err: err.message }, "request failed");
        if (!res.headersSent) sendJson(res, 500, { error: err.message });
        else res.destroy();
      });
    });
    return true;
  };

  const app = Fastify({
    serverFactory: (handler) => {
      const headersTimeout = opts.headersTimeoutMs ?? 10_000;
      const server = createHttpsServer(
        // Node enforces the timeouts below on this interval: keep it finer than they are.
        { key: tls.key, cert: tls.cert, connectionsCheckingInterval: Math.min(1_000, headersTimeout) },
        (req, res) => {
          if (!serveAdmission(req, res)) handler(req, res);
        },
      );
      // Idle keep-alive connections from the API server are reused; slow clients are not: the
      // headers must arrive within 10 s and a whole request within the deadline plus 20 s
      // (slowloris), and the number of connections is capped.
      server.keepAliveTimeout = 72_000;
      server.headersTimeout = headersTimeout;
      server.requestTimeout = Math.max(30_000, deadlineMs + 20_000);
      server.maxConnections = opts.maxConnections ?? 1024;
      return server;
    },
    logger: false,
    bodyLimit,
    return503OnClosing: true,
    forceCloseConnections: "idle",
  });

  app.setErrorHandler((err: Error & { statusCode?: number; code?: string }, req, reply) => {
    const status = err.statusCode && err.statusCode < 500 ? err.statusCode : 500;
    const reason = status === 400 ? `malformed request body: ${err.message}` : err.message;
    metrics.requests.inc({ endpoint: req.url, code: String(status) });
    log.warn({ path: req.url, status, reason }, "request rejected");
    void reply.code(status).send({ error: reason });
  });

  app.get("/healthz", async () => ({ status: "ok" }));
  app.get("/readyz", async (_req, reply) =>
    ready ? { status: "ready", policy: loaded.source } : reply.code(503).send({ status: "not ready" }),
  );
  app.get("/metrics", async (_req, reply) => {
    reply.header("content-type", metrics.registry.contentType);
    return metrics.registry.metrics();
  });

  const reloadPolicy = (): boolean => {
    try {
      const next = loadPolicyFile(opts.policyFile);
      loaded = next;
      runtime.policy = next.policy;
      metrics.reloads.inc({ what: "policy", result: "ok" });
      log.info({ policy: opts.policyFile }, "policy reloaded");
      return true;
    } catch (err) {
      metrics.reloads.inc({ what: "policy", result: "error" });
      const problems =
        err instanceof PolicyError
          ? err.problems.map((p) => `${p.file}:${p.line}:${p.column}: ${p.message}`)
          : [String(err)];
      log.error({ policy: opts.policyFile, problems }, "policy reload failed; keeping the last good policy");
      return false;
    }
  };
  const reloadTls = (): boolean => {
    if (!opts.tlsCert || !opts.tlsKey) return false;
    try {
      const cert = readFileSync(opts.tlsCert, "utf8");
      const key = readFileSync(opts.tlsKey, "utf8");
      (app.server as HttpsServer).setSecureContext({ cert, key });
      metrics.reloads.inc({ what: "tls", result: "ok" });
      log.info({ cert: opts.tlsCert }, "TLS certificate reloaded");
      return true;
    } catch (err) {
      metrics.reloads.inc({ what: "tls", result: "error" });
      log.error(
        { cert: opts.tlsCert, err: (err as Error).message },
        "TLS reload failed; keeping the current certificate",
      );
      return false;
    }
  };

  const interval = opts.watchIntervalMs ?? 2000;
  const watched: { file: string; listener: (cur: Stats, prev: Stats) => void }[] = [];
  if (interval > 0) {
    const watch = (file: string, fn: () => void) => {
      const listener = (cur: Stats, prev: Stats) => {
        if (cur.mtimeMs !== prev.mtimeMs || cur.size !== prev.size || cur.ino !== prev.ino) fn();
      };
      watchFile(file, { interval, persistent: false }, listener);
      watched.push({ file, listener });
    };
    watch(opts.policyFile, reloadPolicy);
    if (opts.tlsCert && opts.tlsKey) {
      watch(opts.tlsCert, reloadTls);
      watch(opts.tlsKey, reloadTls);
    }
  }

  await app.listen({ host, port: opts.port ?? 8443 });
  ready = true;
  const port = (app.server.address() as { port: number }).port;
  const url = `https://${host.includes(":") ? `[${host}]` : host}:${port}`;
  log.info({ url, policy: opts.policyFile, deadlineMs }, "portcullis webhook listening");

  let stopping: Promise<void> | undefined;
  return {
    app,
    url,
    caCert: tls.ca,
    caCertFile: tls.caFile,
    metrics,
    inspector,
    current: () => loaded,
    reloadPolicy,
    reloadTls,
    close: () => {
      stopping ??= (async () => {
        ready = false;
        closing = true;
        for (const w of watched) unwatchFile(w.file, w.listener);
        await app.close();
        deadlines.close();
        decisionLogs.flush();
        await inspector.close();
        log.info("portcullis webhook stopped");
      })();
      return stopping;
    },
  };
}

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

/** Answer with a JSON body in one write (headers and body together). */
function sendJson(res: ServerResponse, status: number, body: unknown, close = false): void {
  const data = Buffer.from(JSON.stringify(body), "utf8");
  const headers: Record<string, string | number> = {
    "content-type": "application/json; charset=utf-8",
    "content-length": data.length,
  };
  if (close) headers.connection = "close";
  res.writeHead(status, headers);
  res.end(data);
}

/** Escapes or the two names that can poison prototypes: only then is the slower checked parse needed. */
const SUSPECT_JSON = /\\u|__proto__|"constructor"/;

/**
 * JSON.parse that refuses `__proto__` keys and `constructor.prototype` (as fastify's parser did),
 * checking keys only when the text could hold one (escaped or plain).
 */
export function parseJson(text: string): unknown {
  if (text.length === 0) throw new SyntaxError("the body is empty");
  if (!SUSPECT_JSON.test(text)) return JSON.parse(text);
  return JSON.parse(text, (key, value: unknown) => {
    if (key === "__proto__") throw new SyntaxError("object contains a forbidden __proto__ property");
    if (
      key === "constructor" &&
      value !== null &&
      typeof value === "object" &&
      Object.hasOwn(value, "prototype")
    )
      throw new SyntaxError("object contains a forbidden constructor.prototype property");
    return value;
  });
}

/**
 * Per-request deadlines without a timer and an AbortController per request: requests that
 * arrive within the same slice of time (1% of the deadline, at least 5 ms) share one signal,
 * which fires one deadline after the slice began. Each request thus gets between 99% and 100%
 * of the deadline (never more, so the answer still beats the API server's timeout).
 */
export class SharedDeadlines {
  private readonly slice: number;
  private current?: { until: number; controller: AbortController };
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(private readonly ms: number) {
    this.slice = Math.min(ms, Math.max(5, ms / 100));
  }

  signal(): AbortSignal {
    const now = performance.now();
    if (!this.current || now >= this.current.until) {
      const controller = new AbortController();
      // Every review of the slice may wait on it: no "possible leak" warning.
      setMaxListeners(0, controller.signal);
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        controller.abort();
      }, this.ms);
      timer.unref();
      this.timers.add(timer);
      this.current = { until: now + this.slice, controller };
    }
    return this.current.controller.signal;
  }

  /** Stop the timers (at shutdown, after in-flight reviews finished). */
  close(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.current = undefined;
  }
}

/**
 * A per-second budget of log lines: a flood of identical denials (a controller re-creating a
 * rejected pod) must not turn into a flood of synchronous log I/O on the request path.
 */
export class LogBudget {
  private windowStart = 0;
  private used = 0;
  private suppressed = 0;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly perSecond: number,
    private readonly report: (suppressed: number, limit: number) => void,
  ) {}

  /** True when this line may be logged. */
  take(): boolean {
    if (this.perSecond <= 0) return true;
    const now = performance.now();
    if (now - this.windowStart >= 1000) {
      this.flush();
      this.windowStart = now;
      this.used = 0;
    }
    if (this.used < this.perSecond) {
      this.used++;
      return true;
    }
    if (this.suppressed++ === 0) {
      this.timer = setTimeout(() => this.flush(), 1000 - (now - this.windowStart));
      this.timer.unref();
    }
    return false;
  }

  /** Report what was left out so far (at the end of each second and at shutdown). */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.suppressed > 0) this.report(this.suppressed, this.perSecond);
    this.suppressed = 0;
  }
}
