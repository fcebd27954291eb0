/**
 * A small TTL cache for look-ups (digests, signature verdicts, scan verdicts) that merges
 * concurrent look-ups of the same key into one and caches failures for a shorter time, so a
 * registry outage is not hammered and does not stick (a per-value TTL lets callers keep negative
 * answers as briefly as failures). Bounded by entry count (oldest evicted).
 */

export interface CacheStats {
  hits: number;
  misses: number;
  merged: number;
}

interface Entry<V> {
  expires: number;
  value?: V;
  error?: unknown;
}

export class TtlCache<V> {
  private readonly entries = new Map<string, Entry<V>>();
  private readonly inflight = new Map<string, Promise<V>>();
  readonly stats: CacheStats = { hits: 0, misses: 0, merged: 0 };

  constructor(
    readonly name: string,
    private readonly opts: {
      ttlMs: number;
      failureTtlMs: number;
      maxEntries?: number;
      now?: () => number;
      /** Per-value TTL (e.g. negative verdicts kept only as long as failures); default ttlMs. */
      valueTtlMs?: (value: V) => number;
    },
    private readonly onEvent?: (cache: string, event: "hit" | "miss" | "merged") => void,
  ) {}

  private now(): number {
    return this.opts.now ? this.opts.now() : Date.now();
  }

  /** The cached value (or rethrown cached failure), else run `load` once for all concurrent callers. */
  get(key: string, load: () => Promise<V>): Promise<V> {
    const e = this.entries.get(key);
    if (e && e.expires > this.now()) {
      this.stats.hits++;
      this.onEvent?.(this.name, "hit");
      return "error" in e && e.error !== undefined ? Promise.reject(e.error) : Promise.resolve(e.value as V);
    }
    const pending = this.inflight.get(key);
    if (pending) {
      this.stats.merged++;
      this.onEvent?.(this.name, "merged");
      return pending;
    }
    this.stats.misses++;
    this.onEvent?.(this.name, "miss");
    const p = load().then(
      (value) => {
        const ttl = this.opts.valueTtlMs ? this.opts.valueTtlMs(value) : this.opts.ttlMs;
        this.store(key, { value, expires: this.now() + ttl });
        return value;
      },
      (error: unknown) => {
        this.store(key, { error, expires: this.now() + this.opts.failureTtlMs });
        throw error;
      },
    );
    this.inflight.set(key, p);
    const clear = () => this.inflight.delete(key);
    p.then(clear, clear);
    return p;
  }

  private store(key: string, e: Entry<V>): void {
    this.entries.delete(key);
    this.entries.set(key, e);
    const max = this.opts.maxEntries ?? 10_000;
    while (this.entries.size > max) {
      const oldest = this.entries.keys().next().value as string;
      this.entries.delete(oldest);
    }
  }

  peek(key: string): V | undefined {
    const e = this.entries.get(key);
    return e && e.expires > this.now() && e.error === undefined ? e.value : undefined;
  }

  get size(): number {
    return this.entries.size;
  }

  clear(): void {
    this.entries.clear();
  }
}
