/**
 * A small Kubernetes API client over node:https: JSON requests, paginated lists (`limit` and
 * `continue`), watches (newline-delimited WatchEvents), get/create/replace. Errors are
 * KubeApiError with the server's Status. List items are given back with the kind and apiVersion
 * the List left out. Not for: typed models of every resource (objects stay plain JSON).
 */
import { Agent, type RequestOptions, request } from "node:https";
import type { ClusterConnection } from "./connection.js";
import { KubeApiError } from "./errors.js";
import { apiVersionOf, type ResourceType, resourcePath } from "./resources.js";

export type KubeObject = Record<string, unknown> & {
  apiVersion?: string;
  kind?: string;
  metadata?: KubeMetadata;
};

export interface KubeMetadata {
  name?: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: {
    apiVersion?: string;
    kind?: string;
    name?: string;
    uid?: string;
    controller?: boolean;
  }[];
  [key: string]: unknown;
}

export interface WatchEvent {
  type: "ADDED" | "MODIFIED" | "DELETED" | "BOOKMARK" | "ERROR";
  object: KubeObject;
}

export interface WatchHandle {
  /** Resolves when the stream ends (server closed it, or stop()); rejects on a transport error. */
  done: Promise<void>;
  stop(): void;
}

export interface ListPage {
  items: KubeObject[];
  resourceVersion: string;
}

function statusError(code: number, body: string, what: string): KubeApiError {
  try {
    const s = JSON.parse(body) as { kind?: string; message?: string; reason?: string };
    if (s.kind === "Status" && s.message) return new KubeApiError(s.message, code, s.reason);
  } catch {
    // not a Status: fall through
  }
  const text = body.trim().slice(0, 200);
  return new KubeApiError(`${what}: HTTP ${code}${text ? `: ${text}` : ""}`, code);
}

export class KubeClient {
  private agent?: Agent;
  private watchAgent?: Agent;
  /** Count of requests made, by method and path without query (for tests and benchmarks). */
  requests = 0;

  constructor(
    readonly connection: ClusterConnection,
    private readonly opts: { timeoutMs?: number; pageSize?: number } = {},
  ) {}

  get pageSize(): number {
    return this.opts.pageSize ?? 500;
  }

  private async options(method: string, path: string, stream = false): Promise<RequestOptions> {
    const base = await this.connection.requestOptions();
    const url = new URL(this.connection.server + path);
    const tlsOptions = {
      ...(base.ca ? { ca: base.ca } : {}),
      ...(base.cert ? { cert: base.cert } : {}),
      ...(base.key ? { key: base.key } : {}),
      ...(base.rejectUnauthorized === false ? { rejectUnauthorized: false } : {}),
      ...(base.servername ? { servername: base.servername } : {}),
    };
    // Requests share a small keep-alive pool; each watch holds its own connection for as long
    // as it streams, so watches must never take the sockets that requests wait for.
    this.agent ??= new Agent({ keepAlive: true, maxSockets: 8, ...tlsOptions });
    this.watchAgent ??= new Agent({ keepAlive: false, ...tlsOptions });
    const agent = stream ? this.watchAgent : this.agent;
    return {
      method,
      protocol: url.protocol,
      hostname: url.hostname,
      port: url.port,
      path: url.pathname + url.search,
      headers: { ...(base.headers ?? {}), accept: "application/json" },
      ...(base.auth ? { auth: base.auth } : {}),
      agent: url.protocol === "https:" ? agent : undefined,
    };
  }

  /** One JSON request; throws KubeApiError for a non-2xx answer or a broken connection. */
  async request<T = KubeObject>(method: string, path: string, body?: unknown): Promise<T> {
    const o = await this.options(method, path);
    const what = `${method} ${path.split("?")[0]}`;
    this.requests++;
    return new Promise<T>((resolve, reject) => {
      const req = request(o, (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (d: string) => (text += d));
        res.on("error", (err) => reject(new KubeApiError(`${what}: ${err.message}`, 0)));
        res.on("aborted", () =>
          reject(new KubeApiError(`${what}: the server closed the connection mid-answer`, 0)),
        );
        res.on("end", () => {
          const code = res.statusCode ?? 0;
          if (!res.complete) {
            reject(new KubeApiError(`${what}: the server closed the connection mid-answer`, 0));
            return;
          }
          if (code < 200 || code > 299) {
            reject(statusError(code, text, what));
            return;
          }
          try {
            resolve(JSON.parse(text) as T);
          } catch {
            reject(new KubeApiError(`${what}: the answer is not JSON (connection cut short?)`, 0));
          }
        });
      });
      req.setTimeout(this.opts.timeoutMs ?? 30_000, () =>
        req.destroy(new Error(`no answer in ${(this.opts.timeoutMs ?? 30_000) / 1000} s`)),
      );
      req.on("error", (err) => {
        const hangUp = (err as NodeJS.ErrnoException).code === "ECONNRESET";
        reject(
          new KubeApiError(
            `${what}: ${hangUp ? "the server closed the connection before answering" : err.message}`,
            0,
          ),
        );
      });
      if (body !== undefined) {
        req.setHeader("content-type", "application/json");
        req.end(JSON.stringify(body));
      } else req.end();
    });
  }

  /** Every item of a collection, page by page (`limit`, `continue`), with kind/apiVersion set. */
  async list(t: ResourceType, namespace?: string, onPage?: (n: number) => void): Promise<ListPage> {
    const items: KubeObject[] = [];
    let cont: string | undefined;
    let resourceVersion = "";
    do {
      const q = new URLSearchParams({ limit: String(this.pageSize) });
      if (cont) q.set("continue", cont);
      const page = await this.request<{
        metadata?: { continue?: string; resourceVersion?: string };
        items?: unknown;
      }>("GET", `${resourcePath(t, namespace)}?${q}`);
      if (!Array.isArray(page.items)) {
        throw new KubeApiError(`GET ${resourcePath(t, namespace)}: the answer is not a List (no items)`, 0);
      }
      for (const it of page.items) {
        if (it && typeof it === "object")
          items.push({ ...(it as KubeObject), kind: t.kind, apiVersion: apiVersionOf(t) });
      }
      resourceVersion = page.metadata?.resourceVersion ?? resourceVersion;
      cont = page.metadata?.continue || undefined;
      onPage?.(page.items.length);
    } while (cont);
    return { items, resourceVersion };
  }

  get<T = KubeObject>(t: ResourceType, namespace: string | undefined, name: string): Promise<T> {
    return this.request<T>("GET", resourcePath(t, namespace, name));
  }

  create(t: ResourceType, namespace: string | undefined, obj: KubeObject): Promise<KubeObject> {
    return this.request("POST", resourcePath(t, namespace), obj);
  }

  replace(
    t: ResourceType,
    namespace: string | undefined,
    name: string,
    obj: KubeObject,
  ): Promise<KubeObject> {
    return this.request("PUT", resourcePath(t, namespace, name), obj);
  }

  /** Watch a collection from resourceVersion; each event is handed to onEvent in order. */
  async watch(
    t: ResourceType,
    namespace: string | undefined,
    resourceVersion: string,
    onEvent: (e: WatchEvent) => void,
  ): Promise<WatchHandle> {
    const q = new URLSearchParams({ watch: "1", resourceVersion, allowWatchBookmarks: "true" });
    const path = `${resourcePath(t, namespace)}?${q}`;
    const o = await this.options("GET", path, true);
    this.requests++;
    let stop = () => {};
    const done = new Promise<void>((resolve, reject) => {
      const req = request(o, (res) => {
        const code = res.statusCode ?? 0;
        let buf = "";
        res.setEncoding("utf8");
        if (code !== 200) {
          res.on("data", (d: string) => (buf += d));
          res.on("end", () => reject(statusError(code, buf, `GET ${resourcePath(t, namespace)} (watch)`)));
          return;
        }
        res.on("data", (d: string) => {
          buf += d;
          let nl = buf.indexOf("\n");
          while (nl >= 0) {
            const line = buf.slice(0, nl).trim();
            buf = buf.slice(nl + 1);
            if (line) {
              try {
                onEvent(JSON.parse(line) as WatchEvent);
              } catch (err) {
                req.destroy(err as Error);
                return;
              }
            }
            nl = buf.indexOf("\n");
          }
        });
        res.on("end", () => resolve());
        res.on("aborted", () => resolve());
        res.on("error", () => resolve());
      });
      req.on("error", (err) => reject(new KubeApiError(`watch ${t.resource}: ${err.message}`, 0)));
      stop = () => {
        req.destroy();
        resolve();
      };
      req.end();
    });
    return { done, stop: () => stop() };
  }

  close(): void {
    this.agent?.destroy();
    this.watchAgent?.destroy();
  }
}
