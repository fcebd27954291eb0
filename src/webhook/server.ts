/**
 * The admission webhook server: fastify over HTTPS with /validate, /mutate (AdmissionReview),
 * /imagereview (ImageReview), /healthz, /readyz and /metrics; JSON logs with pino; a per-request
 * deadline; hot reload of the policy file and TLS certificate (a broken policy on reload keeps
 * the last good one and logs why; at start it refuses to start); graceful shutdown.
 */
import { readFileSync, type Stats, unwatchFile, watchFile } from "node:fs";
import type { Server as HttpsServer } from "node:https";
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from "fastify";
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
import { createMetrics, type WebhookMetrics } from "./metrics.js";
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
  const log = opts.logger ?? pino({ name: "portcullis-webhook" });
  let loaded = loadPolicyFile(opts.policyFile);
  await loadOptionalModules();
  const metrics = createMetrics();
  const inspector = new ImageInspector({
    ...opts.inspector,
    onCacheEvent: (cache, event) => metrics.cache.inc({ cache, event }),
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

  const app = Fastify({
    https: { key: tls.key, cert: tls.cert },
    logger: false,
    bodyLimit: opts.bodyLimit ?? 3 * 1024 * 1024,
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

  type Handler = (
    rt: PolicyRuntime,
    req: Parameters<typeof validateReview>[1],
    signal: AbortSignal,
  ) => Promise<ReviewOutcome>;
  const admission =
    (endpoint: string, handler: Handler) => async (req: FastifyRequest, reply: FastifyReply) => {
      const end = metrics.latency.startTimer({ endpoint });
      let parsed: ReturnType<typeof parseAdmissionReview>;
      try {
        parsed = parseAdmissionReview(req.body);
      } catch (err) {
        end();
        metrics.requests.inc({ endpoint, code: "400" });
        log.warn({ endpoint, reason: (err as Error).message }, "malformed AdmissionReview");
        return reply.code(400).send({ error: `malformed AdmissionReview: ${(err as Error).message}` });
      }
      const r = parsed.request;
      // The per-request deadline: a plain timer (cleared when done) rather than AbortSignal.timeout,
      // which is costly at thousands of requests per second.
      const deadline = new AbortController();
      const timer = setTimeout(() => deadline.abort(), deadlineMs);
      let outcome: ReviewOutcome;
      try {
        outcome = await handler(runtime, r, deadline.signal);
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
      clearTimeout(timer);
      const dryRun = r.dryRun === true;
      metrics.decisions.inc({ endpoint, decision: outcome.decision, dry_run: String(dryRun) });
      metrics.requests.inc({ endpoint, code: "200" });
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
      if (outcome.decision === "denied")
        log.info({ ...fields, message: outcome.response.status?.message }, "denied");
      else if (outcome.decision === "skipped" && outcome.note?.startsWith("unknown kind"))
        log.info(fields, outcome.note);
      else if (outcome.response.warnings?.length || outcome.response.auditAnnotations)
        log.info(
          { ...fields, warnings: outcome.response.warnings, audit: outcome.response.auditAnnotations },
          "allowed with findings",
        );
      else log.debug(fields, outcome.decision);
      end();
      return reply.send({
        apiVersion: parsed.apiVersion,
        kind: "AdmissionReview",
        response: outcome.response,
      });
    };

  app.post("/validate", admission("validate", validateReview));
  app.post("/mutate", admission("mutate", mutateReview));
  app.post("/imagereview", async (req, reply) => {
    const end = metrics.latency.startTimer({ endpoint: "imagereview" });
    try {
      const review = parseImageReview(req.body);
      const out = await imageReview(runtime, review, AbortSignal.timeout(deadlineMs));
      metrics.requests.inc({ endpoint: "imagereview", code: "200" });
      metrics.decisions.inc({
        endpoint: "imagereview",
        decision: out.status?.allowed ? "allowed" : "denied",
        dry_run: "false",
      });
      if (!out.status?.allowed) log.info({ endpoint: "imagereview", reason: out.status?.reason }, "denied");
      return reply.send(out);
    } catch (err) {
      if (!(err instanceof BadReviewError)) throw err;
      metrics.requests.inc({ endpoint: "imagereview", code: "400" });
      log.warn({ endpoint: "imagereview", reason: err.message }, "malformed ImageReview");
      return reply.code(400).send({ error: `malformed ImageReview: ${err.message}` });
    } finally {
      end();
    }
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

  const address = await app.listen({ host, port: opts.port ?? 8443 });
  ready = true;
  const port = (app.server.address() as { port: number }).port;
  const url = `https://${host.includes(":") ? `[${host}]` : host}:${port}`;
  log.info({ url, policy: opts.policyFile, deadlineMs, address }, "portcullis webhook listening");

  let closing: Promise<void> | undefined;
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
      closing ??= (async () => {
        ready = false;
        for (const w of watched) unwatchFile(w.file, w.listener);
        await app.close();
        await inspector.close();
        log.info("portcullis webhook stopped");
      })();
      return closing;
    },
  };
}
