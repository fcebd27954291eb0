/**
 * The webhook's Prometheus metrics (prom-client, its own registry): requests, decisions,
 * latency, cache events, policy reloads. Served at /metrics.
 */
import { Counter, collectDefaultMetrics, Histogram, Registry } from "prom-client";

export interface WebhookMetrics {
  registry: Registry;
  requests: Counter<"endpoint" | "code">;
  decisions: Counter<"endpoint" | "decision" | "dry_run">;
  latency: Histogram<"endpoint">;
  cache: Counter<"cache" | "event">;
  reloads: Counter<"what" | "result">;
}

export function createMetrics(opts: { defaultMetrics?: boolean } = {}): WebhookMetrics {
  const registry = new Registry();
  if (opts.defaultMetrics !== false)
    collectDefaultMetrics({ register: registry, prefix: "portcullis_webhook_" });
  return {
    registry,
    requests: new Counter({
      name: "portcullis_webhook_requests_total",
      help: "HTTP requests by endpoint and status code",
      labelNames: ["endpoint", "code"],
      registers: [registry],
    }),
    decisions: new Counter({
      name: "portcullis_webhook_decisions_total",
      help: "Admission decisions by endpoint (allowed, denied, skipped, error)",
      labelNames: ["endpoint", "decision", "dry_run"],
      registers: [registry],
    }),
    latency: new Histogram({
      name: "portcullis_webhook_request_duration_seconds",
      help: "Time to answer a review",
      labelNames: ["endpoint"],
      buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers: [registry],
    }),
    cache: new Counter({
      name: "portcullis_webhook_cache_events_total",
      help: "Look-up cache events (hit, miss, merged) by cache (digest, signature, attestation, scan)",
      labelNames: ["cache", "event"],
      registers: [registry],
    }),
    reloads: new Counter({
      name: "portcullis_webhook_reloads_total",
      help: "Hot reloads of the policy and TLS certificate by result",
      labelNames: ["what", "result"],
      registers: [registry],
    }),
  };
}
