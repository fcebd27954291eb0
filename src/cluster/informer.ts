/**
 * An informer: list a collection, then watch it from the list's resourceVersion, keeping a cache
 * of the objects and telling a handler what was added, changed and removed. A watch the server
 * ends (its timeout, a restart) is resumed from the last resourceVersion seen; a 410 Gone
 * (history compacted) forces a fresh list, which is diffed against the cache so nothing is
 * missed or told twice. Transport errors back off and retry. Not for: shared informer factories.
 */
import type { KubeClient, KubeObject, WatchHandle } from "./client.js";
import { KubeApiError } from "./errors.js";
import type { ResourceType } from "./resources.js";

export interface InformerHandler {
  added?(obj: KubeObject): void;
  modified?(obj: KubeObject, old: KubeObject): void;
  deleted?(obj: KubeObject): void;
  /** A list/watch failed; the informer retries after a back-off. */
  error?(err: Error): void;
}

export interface InformerStats {
  lists: number;
  watches: number;
  relists: number;
}

function keyOf(o: KubeObject): string {
  return `${o.metadata?.namespace ?? ""}/${o.metadata?.name ?? ""}`;
}

export class Informer {
  readonly cache = new Map<string, KubeObject>();
  readonly stats: InformerStats = { lists: 0, watches: 0, relists: 0 };
  private resourceVersion = "";
  private stopped = false;
  private current?: WatchHandle;
  private loop?: Promise<void>;

  constructor(
    private readonly client: KubeClient,
    private readonly type: ResourceType,
    private readonly namespace: string | undefined,
    private readonly handler: InformerHandler,
    private readonly opts: { backoffMs?: number } = {},
  ) {}

  /** List once (rejects when that fails), then keep watching in the background. */
  async start(): Promise<void> {
    await this.relist();
    this.loop = this.run();
  }

  private async relist(): Promise<void> {
    const { items, resourceVersion } = await this.client.list(this.type, this.namespace);
    this.stats.lists++;
    const seen = new Set<string>();
    for (const o of items) {
      const k = keyOf(o);
      seen.add(k);
      const old = this.cache.get(k);
      this.cache.set(k, o);
      if (!old) this.handler.added?.(o);
      else if (old.metadata?.resourceVersion !== o.metadata?.resourceVersion) this.handler.modified?.(o, old);
    }
    for (const [k, o] of this.cache) {
      if (!seen.has(k)) {
        this.cache.delete(k);
        this.handler.deleted?.(o);
      }
    }
    this.resourceVersion = resourceVersion;
  }

  private async run(): Promise<void> {
    const backoff = this.opts.backoffMs ?? 1000;
    while (!this.stopped) {
      let gone = false;
      try {
        this.current = await this.client.watch(this.type, this.namespace, this.resourceVersion, (e) => {
          if (e.type === "ERROR") {
            const code = Number((e.object as { code?: unknown }).code);
            if (code === 410) gone = true;
            else this.handler.error?.(new KubeApiError(String(e.object.message ?? "watch error"), code));
            this.current?.stop();
            return;
          }
          const rv = e.object.metadata?.resourceVersion;
          if (rv) this.resourceVersion = rv;
          if (e.type === "BOOKMARK") return;
          const obj: KubeObject = { ...e.object, kind: this.type.kind };
          const k = keyOf(obj);
          const old = this.cache.get(k);
          if (e.type === "DELETED") {
            this.cache.delete(k);
            if (old) this.handler.deleted?.(obj);
          } else {
            this.cache.set(k, obj);
            if (old) this.handler.modified?.(obj, old);
            else this.handler.added?.(obj);
          }
        });
        this.stats.watches++;
        if (this.stopped) this.current.stop();
        await this.current.done;
        if (this.stopped) return;
        if (gone) {
          this.stats.relists++;
          await this.relist();
        }
      } catch (err) {
        if (this.stopped) return;
        if (err instanceof KubeApiError && err.gone) {
          this.stats.relists++;
          await this.relist().catch((e: Error) => this.handler.error?.(e));
        } else {
          this.handler.error?.(err as Error);
          await new Promise((r) => setTimeout(r, backoff));
        }
      }
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.current?.stop();
    await this.loop;
  }
}
