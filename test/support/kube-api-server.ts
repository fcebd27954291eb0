/**
 * An HTTPS Kubernetes API test server that speaks the real protocol for the parts Portcullis
 * uses: core (/api/v1) and group (/apis/G/V) paths, namespaced and cluster-wide collections,
 * List objects with `metadata.resourceVersion`, `metadata.continue` and `limit` (items carry no
 * kind/apiVersion, as the real server sends them), `?watch=1` streams of WatchEvents (one JSON
 * object a line, ERROR events with a 410 Status for a compacted resourceVersion), create (POST),
 * get and replace (PUT, 409 Conflict on a stale resourceVersion), bearer-token authentication
 * (401) and per-namespace RBAC (403), all errors as meta/v1 Status objects.
 *
 * Fault injection for tests: forbid namespaces, drop a connection mid-list, close watch streams,
 * compact history (410), make the next replaces conflict (another writer), leave CRDs out (404).
 * Not for: admission, field/label selectors beyond `labelSelector=k=v`, server-side apply.
 */
import { randomUUID } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import type { IncomingMessage, ServerResponse } from "node:http";
import { createServer, type Server } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { makeTestCa } from "./registry-server.js";

export type KubeObject = Record<string, unknown> & {
  apiVersion?: string;
  kind?: string;
  metadata?: Record<string, unknown>;
};

interface ResourceType {
  group: string;
  version: string;
  resource: string;
  kind: string;
  namespaced: boolean;
  /** A CRD: served only when the server was started with crds. */
  crd?: boolean;
}

const RESOURCES: ResourceType[] = [
  { group: "", version: "v1", resource: "namespaces", kind: "Namespace", namespaced: false },
  { group: "", version: "v1", resource: "pods", kind: "Pod", namespaced: true },
  { group: "", version: "v1", resource: "events", kind: "Event", namespaced: true },
  { group: "apps", version: "v1", resource: "deployments", kind: "Deployment", namespaced: true },
  { group: "apps", version: "v1", resource: "statefulsets", kind: "StatefulSet", namespaced: true },
  { group: "apps", version: "v1", resource: "daemonsets", kind: "DaemonSet", namespaced: true },
  { group: "apps", version: "v1", resource: "replicasets", kind: "ReplicaSet", namespaced: true },
  { group: "batch", version: "v1", resource: "jobs", kind: "Job", namespaced: true },
  { group: "batch", version: "v1", resource: "cronjobs", kind: "CronJob", namespaced: true },
  { group: "coordination.k8s.io", version: "v1", resource: "leases", kind: "Lease", namespaced: true },
  {
    group: "wgpolicyk8s.io",
    version: "v1alpha2",
    resource: "policyreports",
    kind: "PolicyReport",
    namespaced: true,
    crd: true,
  },
  {
    group: "wgpolicyk8s.io",
    version: "v1alpha2",
    resource: "clusterpolicyreports",
    kind: "ClusterPolicyReport",
    namespaced: false,
    crd: true,
  },
];

function apiVersionOf(t: ResourceType): string {
  return t.group ? `${t.group}/${t.version}` : t.version;
}

function typeForKind(kind: string): ResourceType | undefined {
  return RESOURCES.find((r) => r.kind === kind);
}

export interface RequestRecord {
  method: string;
  path: string;
  query: Record<string, string>;
}

export interface KubeApiServerOptions {
  objects?: KubeObject[];
  /** Serve the wgpolicyk8s.io CRDs (default true). */
  crds?: boolean;
  /** The bearer token accepted (default: a random one, written into the kubeconfig). */
  token?: string;
  /** The user name RBAC messages name. */
  user?: string;
}

interface StoredEvent {
  rv: number;
  type: "ADDED" | "MODIFIED" | "DELETED";
  resource: string;
  namespace?: string;
  object: KubeObject;
}

interface WatchStream {
  res: ServerResponse;
  type: ResourceType;
  namespace?: string;
}

export interface KubeApiServer {
  url: string;
  token: string;
  caFile: string;
  /** A kubeconfig (context "test") with the CA and the bearer token. */
  kubeconfigFile: string;
  requests: RequestRecord[];
  /** Add or replace an object (bumps resourceVersion, emits a watch event). */
  put(obj: KubeObject): KubeObject;
  remove(kind: string, namespace: string | undefined, name: string): void;
  get(kind: string, namespace: string | undefined, name: string): KubeObject | undefined;
  list(kind: string, namespace?: string): KubeObject[];
  /** Refuse `verb` on `resource` (default: every resource) in these namespaces with 403. */
  forbid(rule: { namespace?: string; resource?: string; verb?: string }): void;
  /** Drop every forbid rule. */
  allowAll(): void;
  /** Close the connection of the next matching request after `afterBytes` bytes of its body. */
  dropNext(pathIncludes: string, afterBytes?: number): void;
  /** End every open watch stream (as the server's watch timeout does). */
  closeWatches(): void;
  /** Forget history: watches from an older resourceVersion get a 410 ERROR event. */
  compact(): void;
  /** Make the next n replaces of this resource fail with 409 (another writer bumped it first). */
  conflictNext(resource: string, n?: number): void;
  openWatches(): number;
  resourceVersion(): number;
  close(): Promise<void>;
}

function status(code: number, reason: string, message: string, details?: Record<string, unknown>) {
  return {
    kind: "Status",
    apiVersion: "v1",
    metadata: {},
    status: "Failure",
    message,
    reason,
    ...(details ? { details } : {}),
    code,
  };
}

function groupText(t: ResourceType): string {
  return t.group ? `${t.resource}.${t.group}` : t.resource;
}

interface ParsedPath {
  type: ResourceType;
  namespace?: string;
  name?: string;
}

/** /api/v1[/namespaces/NS]/RES[/NAME] or /apis/G/V[/namespaces/NS]/RES[/NAME]. */
function parsePath(path: string, crds: boolean): ParsedPath | undefined {
  const parts = path.split("/").filter(Boolean);
  let group = "";
  let version: string;
  let rest: string[];
  if (parts[0] === "api") {
    version = parts[1] ?? "";
    rest = parts.slice(2);
  } else if (parts[0] === "apis") {
    group = parts[1] ?? "";
    version = parts[2] ?? "";
    rest = parts.slice(3);
  } else return undefined;
  let namespace: string | undefined;
  if (rest[0] === "namespaces" && rest.length >= 3) {
    namespace = rest[1];
    rest = rest.slice(2);
  }
  const type = RESOURCES.find((r) => r.group === group && r.version === version && r.resource === rest[0]);
  if (!type || (type.crd && !crds) || rest.length > 2) return undefined;
  if (namespace !== undefined && !type.namespaced) return undefined;
  return { type, namespace, name: rest[1] };
}

function encodeContinue(rv: number, start: string): string {
  return Buffer.from(JSON.stringify({ v: "meta.k8s.io/v1", rv, start })).toString("base64");
}

function decodeContinue(token: string): { rv: number; start: string } | undefined {
  try {
    const v = JSON.parse(Buffer.from(token, "base64").toString("utf8")) as { rv?: unknown; start?: unknown };
    return typeof v.rv === "number" && typeof v.start === "string" ? { rv: v.rv, start: v.start } : undefined;
  } catch {
    return undefined;
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let body = "";
    req.setEncoding("utf8");
    req.on("data", (d: string) => (body += d));
    req.on("end", () => resolve(body));
    req.on("error", reject);
  });
}

export async function startKubeApiServer(opts: KubeApiServerOptions = {}): Promise<KubeApiServer> {
  const dir = mkdtempSync(join(tmpdir(), "portcullis-kube-api-"));
  const tls = makeTestCa(dir);
  const token = opts.token ?? `test-${randomUUID()}`;
  const user = opts.user ?? "system:serviceaccount:portcullis:auditor";
  const crds = opts.crds ?? true;
  const objects = new Map<string, KubeObject>();
  const events: StoredEvent[] = [];
  const requests: RequestRecord[] = [];
  const forbidden: { namespace?: string; resource?: string; verb?: string }[] = [];
  const drops: { pathIncludes: string; afterBytes: number }[] = [];
  const conflicts = new Map<string, number>();
  const watches = new Set<WatchStream>();
  let rv = 1000;
  let compactedBelow = 0;

  const keyOf = (t: ResourceType, ns: string | undefined, name: string) =>
    `${t.resource}|${ns ?? ""}|${name}`;

  function emit(type: StoredEvent["type"], t: ResourceType, obj: KubeObject): void {
    const ns = obj.metadata?.namespace as string | undefined;
    events.push({ rv, type, resource: t.resource, namespace: ns, object: obj });
    for (const w of watches) {
      if (w.type !== t || (w.namespace !== undefined && w.namespace !== ns)) continue;
      w.res.write(`${JSON.stringify({ type, object: obj })}\n`);
    }
  }

  function store(obj: KubeObject, t: ResourceType): KubeObject {
    const md = { ...(obj.metadata ?? {}) } as Record<string, unknown>;
    const name = String(md.name ?? "");
    const ns = t.namespaced ? String(md.namespace ?? "default") : undefined;
    const key = keyOf(t, ns, name);
    const prev = objects.get(key);
    rv++;
    md.resourceVersion = String(rv);
    md.uid = (prev?.metadata?.uid as string | undefined) ?? (md.uid as string | undefined) ?? randomUUID();
    md.creationTimestamp =
      (prev?.metadata?.creationTimestamp as string | undefined) ??
      (md.creationTimestamp as string | undefined) ??
      "2026-12-01T08:00:00Z";
    if (ns !== undefined) md.namespace = ns;
    const stored: KubeObject = { ...obj, apiVersion: apiVersionOf(t), kind: t.kind, metadata: md };
    objects.set(key, stored);
    emit(prev ? "MODIFIED" : "ADDED", t, stored);
    return stored;
  }

  function put(obj: KubeObject): KubeObject {
    const t = typeForKind(String(obj.kind));
    if (!t) throw new Error(`kube-api-server: unknown kind ${String(obj.kind)}`);
    return store(obj, t);
  }

  for (const o of opts.objects ?? []) put(o);

  function denied(verb: string, t: ResourceType, ns: string | undefined): string | undefined {
    for (const f of forbidden) {
      if (f.verb && f.verb !== verb) continue;
      if (f.resource && f.resource !== t.resource) continue;
      // A namespace rule also refuses the cluster-wide collection (RBAC is not partial).
      if (f.namespace && (!t.namespaced || (ns !== undefined && f.namespace !== ns))) continue;
      const where = ns !== undefined ? ` in the namespace "${ns}"` : " at the cluster scope";
      return `${groupText(t)} is forbidden: User "${user}" cannot ${verb} resource "${t.resource}" in API group "${t.group}"${where}`;
    }
    return undefined;
  }

  function collection(t: ResourceType, ns: string | undefined): KubeObject[] {
    const out: KubeObject[] = [];
    for (const [key, o] of objects) {
      const [res, ons] = key.split("|");
      if (res !== t.resource) continue;
      if (ns !== undefined && ons !== ns) continue;
      out.push(o);
    }
    return out.sort((a, b) => sortKey(a).localeCompare(sortKey(b)));
  }

  function sortKey(o: KubeObject): string {
    return `${String(o.metadata?.namespace ?? "")}/${String(o.metadata?.name ?? "")}`;
  }

  function send(res: ServerResponse, code: number, body: unknown, drop?: number): void {
    const text = JSON.stringify(body);
    res.writeHead(code, { "content-type": "application/json" });
    if (drop !== undefined) {
      res.write(text.slice(0, drop), () => setTimeout(() => res.socket?.destroy(), 20));
      return;
    }
    res.end(text);
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "https://localhost");
    const query = Object.fromEntries(url.searchParams);
    const method = req.method ?? "GET";
    requests.push({ method, path: url.pathname, query });
    if (req.headers.authorization !== `Bearer ${token}`) {
      send(res, 401, status(401, "Unauthorized", "Unauthorized"));
      return;
    }
    const p = parsePath(url.pathname, crds);
    if (!p) {
      send(res, 404, status(404, "NotFound", "the server could not find the requested resource"));
      return;
    }
    const { type: t, namespace: ns, name } = p;
    const watch = query.watch === "1" || query.watch === "true";
    const verb =
      method === "GET" ? (name ? "get" : watch ? "watch" : "list") : method === "POST" ? "create" : "update";
    const refusal = denied(verb, t, ns);
    if (refusal) {
      send(
        res,
        403,
        status(403, "Forbidden", refusal, { ...(name ? { name } : {}), group: t.group, kind: t.resource }),
      );
      return;
    }
    const dropAt = drops.findIndex((d) => url.pathname.includes(d.pathIncludes));
    const drop = dropAt >= 0 ? drops.splice(dropAt, 1)[0]?.afterBytes : undefined;

    if (method === "GET" && name) {
      const o = objects.get(keyOf(t, ns, name));
      if (!o) send(res, 404, status(404, "NotFound", `${groupText(t)} "${name}" not found`, { name }));
      else send(res, 200, o, drop);
      return;
    }
    if (method === "GET" && watch) {
      const from = Number(query.resourceVersion ?? rv);
      res.writeHead(200, { "content-type": "application/json", "transfer-encoding": "chunked" });
      if (from < compactedBelow) {
        const gone = status(410, "Expired", `too old resource version: ${from} (${compactedBelow})`);
        res.end(`${JSON.stringify({ type: "ERROR", object: gone })}\n`);
        return;
      }
      for (const e of events) {
        if (e.rv <= from || e.resource !== t.resource) continue;
        if (ns !== undefined && e.namespace !== ns) continue;
        res.write(`${JSON.stringify({ type: e.type, object: e.object })}\n`);
      }
      const w: WatchStream = { res, type: t, namespace: ns };
      watches.add(w);
      res.on("close", () => watches.delete(w));
      return;
    }
    if (method === "GET") {
      const all = collection(t, ns);
      let start = 0;
      let listRv = rv;
      if (query.continue) {
        const c = decodeContinue(query.continue);
        if (!c) {
          send(res, 400, status(400, "BadRequest", "continue key is not valid: illegal base64 data"));
          return;
        }
        if (c.rv < compactedBelow) {
          send(
            res,
            410,
            status(
              410,
              "Expired",
              "The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.",
            ),
          );
          return;
        }
        listRv = c.rv;
        start = all.findIndex((o) => sortKey(o) > c.start);
        if (start < 0) start = all.length;
      }
      const limit = query.limit ? Number(query.limit) : 0;
      const page = limit > 0 ? all.slice(start, start + limit) : all.slice(start);
      const more = limit > 0 && start + limit < all.length;
      const last = page[page.length - 1];
      const metadata: Record<string, unknown> = { resourceVersion: String(listRv) };
      if (more && last) {
        metadata.continue = encodeContinue(listRv, sortKey(last));
        metadata.remainingItemCount = all.length - start - limit;
      }
      // Items of a List carry no kind/apiVersion: the list names them once.
      const items = page.map(({ kind: _k, apiVersion: _a, ...rest }) => rest);
      send(res, 200, { kind: `${t.kind}List`, apiVersion: apiVersionOf(t), metadata, items }, drop);
      return;
    }
    let body: KubeObject;
    try {
      body = JSON.parse(await readBody(req)) as KubeObject;
    } catch {
      send(res, 400, status(400, "BadRequest", "the request body is not JSON"));
      return;
    }
    const md = (body.metadata ?? {}) as Record<string, unknown>;
    if (ns !== undefined) md.namespace = ns;
    body.metadata = md;
    if (method === "POST") {
      const key = keyOf(t, ns, String(md.name ?? ""));
      if (!md.name) {
        send(res, 422, status(422, "Invalid", `${t.kind} "" is invalid: metadata.name: Required value`));
      } else if (objects.has(key)) {
        send(res, 409, status(409, "AlreadyExists", `${groupText(t)} "${String(md.name)}" already exists`));
      } else send(res, 201, store(body, t));
      return;
    }
    if (method === "PUT" && name) {
      const key = keyOf(t, ns, name);
      let current = objects.get(key);
      if (!current) {
        send(res, 404, status(404, "NotFound", `${groupText(t)} "${name}" not found`, { name }));
        return;
      }
      const pending = conflicts.get(t.resource) ?? 0;
      if (pending > 0) {
        conflicts.set(t.resource, pending - 1);
        current = store(current, t); // another writer got there first
      }
      if (md.resourceVersion !== current.metadata?.resourceVersion) {
        send(
          res,
          409,
          status(
            409,
            "Conflict",
            `Operation cannot be fulfilled on ${groupText(t)} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
            { name, group: t.group, kind: t.resource },
          ),
        );
        return;
      }
      send(res, 200, store(body, t));
      return;
    }
    send(
      res,
      405,
      status(405, "MethodNotAllowed", `the server does not allow this method on the requested resource`),
    );
  }

  const server: Server = createServer(
    { cert: readFileSync(tls.certFile), key: readFileSync(tls.keyFile) },
    (req, res) => {
      handle(req, res).catch((err: Error) => send(res, 500, status(500, "InternalError", err.message)));
    },
  );
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const addr = server.address();
  const port = typeof addr === "object" && addr ? addr.port : 0;
  const url = `https://127.0.0.1:${port}`;
  const kubeconfigFile = join(dir, "kubeconfig");
  const ca = readFileSync(tls.caFile).toString("base64");
  writeFileSync(
    kubeconfigFile,
    [
      "apiVersion: v1",
      "kind: Config",
      "clusters:",
      "- name: test",
      "  cluster:",
      `    server: ${url}`,
      `    certificate-authority-data: ${ca}`,
      "users:",
      "- name: auditor",
      "  user:",
      `    token: ${token}`,
      "contexts:",
      "- name: test",
      "  context:",
      "    cluster: test",
      "    user: auditor",
      "    namespace: default",
      "current-context: test",
      "",
    ].join("\n"),
  );

  return {
    url,
    token,
    caFile: tls.caFile,
    kubeconfigFile,
    requests,
    put,
    remove(kind, namespace, name) {
      const t = typeForKind(kind);
      if (!t) return;
      const key = keyOf(t, t.namespaced ? (namespace ?? "default") : undefined, name);
      const o = objects.get(key);
      if (!o) return;
      objects.delete(key);
      rv++;
      emit("DELETED", t, { ...o, metadata: { ...o.metadata, resourceVersion: String(rv) } });
    },
    get(kind, namespace, name) {
      const t = typeForKind(kind);
      return t ? objects.get(keyOf(t, t.namespaced ? (namespace ?? "default") : undefined, name)) : undefined;
    },
    list(kind, namespace) {
      const t = typeForKind(kind);
      return t ? collection(t, namespace) : [];
    },
    forbid(rule) {
      forbidden.push(rule);
    },
    allowAll() {
      forbidden.length = 0;
    },
    dropNext(pathIncludes, afterBytes = 40) {
      drops.push({ pathIncludes, afterBytes });
    },
    closeWatches() {
      for (const w of watches) w.res.end();
      watches.clear();
    },
    compact() {
      rv++;
      compactedBelow = rv;
      events.length = 0;
    },
    conflictNext(resource, n = 1) {
      conflicts.set(resource, (conflicts.get(resource) ?? 0) + n);
    },
    openWatches: () => watches.size,
    resourceVersion: () => rv,
    async close() {
      for (const w of watches) w.res.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
