/**
 * The admission webhook server: one node:https server carrying the admission routes (routes.ts:
 * POST /validate, /mutate, /imagereview) and the probes (GET /healthz, /readyz, /metrics), with
 * TLS from files or generated in-process (tls.ts, tls-files.ts), hot reload of the policy and
 * certificate (reload.ts), connection limits against slow and numerous clients
 * (connections.ts), bounded registry work per review (lookups.ts), a per-request deadline
 * under the API server's timeout (timing.ts, deadlines.ts), JSON logs with pino, and graceful
 * shutdown (in-flight reviews finish, new ones get 503).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer as createHttpsServer, type Server as HttpsServer } from "node:https";
import type { Socket } from "node:net";
import type { TLSSocket } from "node:tls";
import { type Logger, pino } from "pino";
import { ImageInspector, type InspectorOptions } from "../policy/inspector.js";
import { loadPolicyFile } from "../policy/load.js";
import type { LoadedPolicy } from "../policy/types.js";
import type { PolicyRuntime } from "./admission.js";
import {
  ConnectionGuard,
  connectionLimits,
  DEFAULT_HANDSHAKE_TIMEOUT_MS,
  DEFAULT_KEEP_ALIVE_MS,
} from "./connections.js";
import { LogBudget, SharedDeadlines } from "./deadlines.js";
import { sendJson } from "./http.js";
import { reviewLimits } from "./lookups.js";
import { bound, createMetrics, type WebhookMetrics } from "./metrics.js";
import { createReloader } from "./reload.js";
import { admissionRoutes } from "./routes.js";
import { resolveTiming } from "./timing.js";
import { generateServingCert } from "./tls.js";
import { loadServingPair } from "./tls-files.js";

export { LogBudget, SharedDeadlines } from "./deadlines.js";
export { parseJson } from "./http.js";

export interface WebhookOptions {
  policyFile: string;
  host?: string;
  port?: number;
  tlsCert?: string;
  tlsKey?: string;
  /** Where to write a generated CA and certificate (default: a new temp folder). */
  tlsDir?: string;
  /** The API server's timeoutSeconds for this webhook (default 10); the deadline derives from it. */
  timeoutSeconds?: number;
  /** Per-request deadline in ms (default: timeoutSeconds − 2 s). */
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
  /** Most connections open at once from one source address (default 256). */
  maxConnectionsPerSource?: number;
  /** Slots kept for sources that completed a TLS handshake before (default maxConnections / 8). */
  reservedConnections?: number;
  /** Time allowed for a TLS handshake (ms, default 5 000). */
  handshakeTimeoutMs?: number;
  /** Time allowed for a request's headers to arrive (ms, default 10 000). */
  headersTimeoutMs?: number;
  /** Idle keep-alive connections are closed after this (ms, default 30 000). */
  keepAliveTimeoutMs?: number;
  /** Most distinct images one review may name (default 100); more are denied unchecked. */
  maxImages?: number;
  /** Registry look-ups in flight at once, across all reviews (default 32). */
  maxLookups?: number;
  now?: () => Date;
}

export interface WebhookServer {
  server: HttpsServer;
  url: string;
  /** PEM of the CA that signed the serving certificate (generated), or the given certificate. */
  caCert: string;
  caCertFile?: string;
  metrics: WebhookMetrics;
  inspector: ImageInspector;
  connections: ConnectionGuard;
  deadlineMs: number;
  current(): LoadedPolicy;
  /** Re-read the policy file: true when the new one is in force. */
  reloadPolicy(): boolean;
  reloadTls(): boolean;
  close(): Promise<void>;
}

interface ServingTls {
  key: string;
  cert: string;
  ca: string;
  caFile?: string;
}

/** The serving certificate: the given files (checked), or a CA and certificate made for the session. */
async function servingTls(opts: WebhookOptions, host: string, log: Logger): Promise<ServingTls> {
  if (opts.tlsCert && opts.tlsKey) {
    const pair = loadServingPair(opts.tlsCert, opts.tlsKey);
    return { ...pair, ca: pair.cert };
  }
  const hosts = [
    ...new Set(["localhost", "127.0.0.1", host === "0.0.0.0" || host === "::" ? "localhost" : host]),
  ];
  const g = await generateServingCert(hosts, { dir: opts.tlsDir });
  log.info(
    { caFile: g.caCertFile, certFile: g.certFile, hosts },
    "generated a self-signed CA and serving certificate for this session",
  );
  return { cert: g.cert, key: g.key, ca: g.caCert, caFile: g.caCertFile };
}

/** GET /healthz, /readyz, /metrics; 404 for anything else. */
function probes(ready: () => string | undefined, metrics: WebhookMetrics) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const path = (req.url ?? "").split("?")[0];
    if (req.method !== "GET" && req.method !== "HEAD") {
      sendJson(res, 404, { error: `no route ${req.method} ${path}` });
    } else if (path === "/healthz") {
      sendJson(res, 200, { status: "ok" });
    } else if (path === "/readyz") {
      const policy = ready();
      sendJson(res, policy ? 200 : 503, policy ? { status: "ready", policy } : { status: "not ready" });
    } else if (path === "/metrics") {
      metrics.registry.metrics().then(
        (text) => {
          res.writeHead(200, { "content-type": metrics.registry.contentType });
          res.end(text);
        },
        (err: Error) => sendJson(res, 500, { error: err.message }),
      );
    } else {
      sendJson(res, 404, { error: `no route GET ${path}` });
    }
  };
}

/** Start the server. Throws PolicyError when the policy is invalid (refuses to start). */
export async function startWebhook(opts: WebhookOptions): Promise<WebhookServer> {
  // Asynchronous writes by default: a synchronous write to a busy stdout pipe would stall reviews.
  const log = opts.logger ?? pino({ name: "portcullis-webhook" }, pino.destination({ sync: false }));
  const first = loadPolicyFile(opts.policyFile);
  const { deadlineMs, timeoutSeconds } = resolveTiming(opts);
  const metrics = createMetrics();
  const inspector = new ImageInspector({
    ...opts.inspector,
    onCacheEvent: (cache, event) => bound(metrics.cache, `${cache} ${event}`, { cache, event }).inc(),
  });
  const host = opts.host ?? "127.0.0.1";
  const tls = await servingTls(opts, host, log);
  const runtime: PolicyRuntime = {
    policy: first.policy,
    inspector,
    namespaceLabels: new Map(Object.entries(opts.namespaceLabels ?? {})),
    limits: reviewLimits(opts),
    now: opts.now,
  };
  let ready = false;
  let closing = false;
  const deadlines = new SharedDeadlines(deadlineMs);
  const decisionLogs = new LogBudget(opts.decisionLogsPerSecond ?? 100, (suppressed, limit) =>
    log.info(
      { suppressed, limitPerSecond: limit },
      `${suppressed} decision log lines suppressed in the last second (the metrics count every decision)`,
    ),
  );
  const admission = admissionRoutes({
    runtime,
    metrics,
    log,
    deadlines,
    decisionLogs,
    bodyLimit: opts.bodyLimit ?? 3 * 1024 * 1024,
    closing: () => closing,
  });
  const reloader = createReloader(first, {
    policyFile: opts.policyFile,
    tlsCert: opts.tlsCert,
    tlsKey: opts.tlsKey,
    intervalMs: opts.watchIntervalMs ?? 2000,
    log,
    metrics,
    server: () => server,
    onPolicy: (loaded) => {
      runtime.policy = loaded.policy;
    },
  });
  const other = probes(() => (ready ? reloader.current().source : undefined), metrics);
  const headersTimeout = opts.headersTimeoutMs ?? 10_000;
  const server = createHttpsServer(
    {
      key: tls.key,
      cert: tls.cert,
      handshakeTimeout: opts.handshakeTimeoutMs ?? DEFAULT_HANDSHAKE_TIMEOUT_MS,
      // Node enforces the timeouts below on this interval: keep it finer than they are.
      connectionsCheckingInterval: Math.min(1_000, headersTimeout),
    },
    (req, res) => {
      if (!admission(req, res)) other(req, res);
    },
  );
  // Idle keep-alive connections are closed well before the API server's client drops them
  // (90 s); headers must arrive within 10 s and a whole request within the deadline plus 20 s
  // (slowloris); connections are capped in total and per source (connections.ts).
  server.keepAliveTimeout = opts.keepAliveTimeoutMs ?? DEFAULT_KEEP_ALIVE_MS;
  server.headersTimeout = headersTimeout;
  server.requestTimeout = Math.max(30_000, deadlineMs + 20_000);
  const connections = new ConnectionGuard(connectionLimits(opts));
  server.on("connection", (socket: Socket) => connections.admit(socket));
  server.on("secureConnection", (socket: TLSSocket) => connections.handshakeDone(socket.remoteAddress));
  server.on("tlsClientError", () => {}); // handshake timeouts and refused sockets: nothing to answer

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port ?? 8443, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  ready = true;
  const port = (server.address() as { port: number }).port;
  const url = `https://${host.includes(":") ? `[${host}]` : host}:${port}`;
  log.info({ url, policy: opts.policyFile, deadlineMs, timeoutSeconds }, "portcullis webhook listening");

  let stopping: Promise<void> | undefined;
  return {
    server,
    url,
    caCert: tls.ca,
    caCertFile: tls.caFile,
    metrics,
    inspector,
    connections,
    deadlineMs,
    current: reloader.current,
    reloadPolicy: reloader.reloadPolicy,
    reloadTls: reloader.reloadTls,
    close: () => {
      stopping ??= (async () => {
        ready = false;
        closing = true;
        reloader.stop();
        const closed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        await closed;
        deadlines.close();
        decisionLogs.flush();
        await inspector.close();
        log.info("portcullis webhook stopped");
      })();
      return stopping;
    },
  };
}
