/**
 * The webhook's Prometheus metrics (prom-client, its own registry): requests, decisions,
 * latency, cache events, policy reloads. Served at /metrics. The per-request counters are
 * bumped through bound counters (plain numbers, handed to prom-client when /metrics is
 * scraped) so that the hot path does no label hashing or validation.
 */
import { Counter, collectDefaultMetrics, Histogram, type LabelValues, Registry } from "prom-client";

/** One label combination of a counter, counted in a plain number until the next scrape. */
export interface BoundCounter {
  inc(by?: number): void;
}

class Slot implements BoundCounter {
  n = 0;
  constructor(readonly labels: LabelValues<string>) {}
  inc(by = 1): void {
    this.n += by;
  }
}

const pending = new WeakMap<Counter<string>, Map<string, Slot>>();

/** Hand what bound counters counted to prom-client (called by the counter's collect at scrape). */
function flush(counter: Counter<string>): void {
  for (const slot of pending.get(counter)?.values() ?? []) {
    if (slot.n > 0) counter.inc(slot.labels, slot.n);
    slot.n = 0;
  }
}

/**
 * The counter for one label combination, cached by `key` (the caller's cheap unique string for
 * those labels; `labels` is only read the first time). Counts reach prom-client through the
 * counter's collect hook, which createMetrics installs on every counter.
 */
export function bound<T extends string>(
  counter: Counter<T>,
  key: string,
  labels: LabelValues<T>,
): BoundCounter {
  const c = counter as unknown as Counter<string>;
  let slots = pending.get(c);
  if (!slots) {
    slots = new Map();
    pending.set(c, slots);
  }
  let slot = slots.get(key);
  if (!slot) {
    slot = new Slot({ ...labels } as LabelValues<string>);
    slots.set(key, slot);
  }
  return slot;
}

function flushBound(this: Counter<string>): void {
  flush(this);
}

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
      collect: flushBound,
    }),
    decisions: new Counter({
      name: "portcullis_webhook_decisions_total",
      help: "Admission decisions by endpoint (allowed, denied, skipped, error)",
      labelNames: ["endpoint", "decision", "dry_run"],
      registers: [registry],
      collect: flushBound,
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
      collect: flushBound,
    }),
    reloads: new Counter({
      name: "portcullis_webhook_reloads_total",
      help: "Hot reloads of the policy and TLS certificate by result",
      labelNames: ["what", "result"],
      registers: [registry],
    }),
  };
}
