/**
 * HTTP transport to OCI Distribution registries on undici 7: choosing https or (for insecure
 * registries only) http, the `/v2/` ping, WWW-Authenticate challenges (Bearer tokens fetched
 * from the realm and cached per scope until they expire; Basic), retries with backoff on 429,
 * 5xx and connection resets, timeouts, a concurrency cap, custom CAs, and redirects that never
 * carry Authorization to another origin. Knows nothing of manifests or blobs.
 */
import { readFileSync } from "node:fs";
import { rootCertificates } from "node:tls";
import { Agent, fetch } from "undici";
import { VERSION } from "../version.js";
import { type Challenge, parseChallenges, pickChallenge, repositoryScope } from "./challenge.js";
import { type Credential, type CredentialSource, defaultCredentialSource } from "./credentials.js";
import { RegistryError } from "./errors.js";
import { apiHost, hostOf, isLoopbackHost, matchesRegistryPattern } from "./host-match.js";
import { ConcurrencyLimiter } from "./limiter.js";
import { backoffDelay, classifyNetworkError, parseRetryAfter, RETRY_STATUSES, sleep } from "./retry.js";

export interface TransportOptions {
  /** Where credentials come from (default: pull secrets, REGISTRY_AUTH_FILE, auth.json, ~/.docker/config.json). */
  credentials?: CredentialSource;
  /** A PEM file of extra CA certificates trusted for TLS (in addition to the system roots). */
  caFile?: string;
  /**
   * Registries that may be reached over plain http (`host[:port]`, `*.example.com`, CIDR).
   * Default: loopback addresses only. https is still tried first; TLS is always verified.
   */
  insecureRegistries?: string[];
  /** Connect, response-header and body-idle timeout in milliseconds (default 30 000). */
  timeoutMs?: number;
  /** Retries after the first attempt for 429, 5xx and connection resets (default 4). */
  retries?: number;
  /** At most this many requests in flight per client (default 8). */
  concurrency?: number;
  userAgent?: string;
  /** Kubernetes pull-secret files read before the other sources (ignored when `credentials` is given). */
  pullSecretFiles?: string[];
  /** First backoff step in ms (default 250); the cap is 10 s. */
  retryBaseMs?: number;
  /** A Retry-After longer than this (ms) is not waited for; the request fails (default 60 000). */
  maxRetryAfterMs?: number;
}

export type Action = "pull" | "push" | "delete";

export interface RegistryRequest {
  /** Registry domain as in the reference (`docker.io`, `ghcr.io`, `127.0.0.1:5000`). */
  registry: string;
  /** Repository path, for the token scope. */
  repository?: string;
  actions?: Action[];
  method: "GET" | "HEAD" | "PUT" | "POST" | "PATCH" | "DELETE";
  /** `/v2/…` path (with query) or an absolute URL (e.g. an upload Location). */
  path: string;
  headers?: Record<string, string>;
  body?: Buffer;
  /** What is being done, for messages: `GET manifest portcullis/app:1.0`. */
  what: string;
  /** Keep the body as a stream; the caller must call release() when done with it. */
  stream?: boolean;
  /** Do not retry connection resets (used for the https probe of insecure registries). */
  noRetry?: boolean;
  /**
   * Largest body read into memory (default MAX_BODY_BYTES); a larger one fails with TOO_LARGE
   * instead of exhausting memory (a registry is named by whoever writes the pod).
   */
  maxBodyBytes?: number;
}

/** Default cap on a body read into memory (manifests ask for less, blobs stream). */
export const MAX_BODY_BYTES = 16 * 1024 * 1024;
/** Cap on a token server's answer. */
export const MAX_TOKEN_BYTES = 1024 * 1024;

/** Read a response body into memory, refusing more than `max` bytes (TOO_LARGE). */
async function readBounded(
  res: Awaited<ReturnType<typeof fetch>>,
  max: number,
  registry: string,
  what: string,
): Promise<Buffer> {
  const tooLarge = () =>
    new RegistryError("TOO_LARGE", registry, `${what}: the answer is larger than the limit of ${max} bytes`);
  const declared = Number(res.headers.get("content-length") ?? Number.NaN);
  if (declared > max) {
    await res.body?.cancel().catch(() => undefined);
    throw tooLarge();
  }
  if (!res.body) return Buffer.alloc(0);
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res.body) {
    size += chunk.length;
    if (size > max) {
      await res.body.cancel().catch(() => undefined);
      throw tooLarge();
    }
    chunks.push(Buffer.from(chunk));
  }
  return Buffer.concat(chunks);
}

export interface RegistryResponse {
  status: number;
  headers: Headers;
  /** Final URL (after same- or cross-origin redirects). */
  url: string;
  /** The body, unless `stream` was asked for (empty for HEAD). */
  body: Buffer;
  /** The body stream when `stream` was asked for. */
  stream?: ReadableStream<Uint8Array>;
  /** Give back the concurrency slot (no-op unless streaming; safe to call twice). */
  release(): void;
  /** For a final 401: where the credentials came from, or "none" when there were none. */
  credentialSource?: string;
}

interface Endpoint {
  base: string;
  /** undefined when /v2/ answered 200 without credentials. */
  challenge?: Challenge;
}

interface CachedToken {
  token: string;
  expiresAt: number;
}

const MAX_REDIRECTS = 5;

export class Transport {
  readonly timeoutMs: number;
  readonly retries: number;
  readonly userAgent: string;
  private readonly credentials: CredentialSource;
  private readonly insecure: string[] | undefined;
  private readonly agent: Agent;
  private readonly limiter: ConcurrencyLimiter;
  private readonly retryBaseMs: number;
  private readonly maxRetryAfterMs: number;
  private readonly endpoints = new Map<string, Promise<Endpoint>>();
  private readonly tokens = new Map<string, CachedToken>();
  private readonly creds = new Map<string, Promise<Credential | undefined>>();

  constructor(opts: TransportOptions = {}) {
    this.timeoutMs = opts.timeoutMs ?? 30_000;
    this.retries = opts.retries ?? 4;
    this.userAgent = opts.userAgent ?? `portcullis/${VERSION}`;
    this.credentials = opts.credentials ?? defaultCredentialSource({ pullSecretFiles: opts.pullSecretFiles });
    this.insecure = opts.insecureRegistries;
    this.limiter = new ConcurrencyLimiter(opts.concurrency ?? 8);
    this.retryBaseMs = opts.retryBaseMs ?? 250;
    this.maxRetryAfterMs = opts.maxRetryAfterMs ?? 60_000;
    let ca: string[] | undefined;
    if (opts.caFile) {
      let pem: string;
      try {
        pem = readFileSync(opts.caFile, "utf8");
      } catch (err) {
        throw new RegistryError("TLS", "-", `cannot read CA file ${opts.caFile}: ${(err as Error).message}`);
      }
      if (!pem.includes("-----BEGIN CERTIFICATE-----")) {
        throw new RegistryError("TLS", "-", `CA file ${opts.caFile} holds no PEM certificate`);
      }
      ca = [...rootCertificates, pem];
    }
    this.agent = new Agent({
      connect: { timeout: this.timeoutMs, ...(ca ? { ca } : {}) },
      headersTimeout: this.timeoutMs,
      bodyTimeout: this.timeoutMs,
      keepAliveTimeout: 10_000,
    });
  }

  /** Close pooled connections. */
  async close(): Promise<void> {
    await this.agent.close();
  }

  /** Whether plain http may be used for a registry. */
  isInsecure(registry: string): boolean {
    if (this.insecure === undefined) return isLoopbackHost(hostOf(registry));
    return this.insecure.some((p) => matchesRegistryPattern(p, registry)) || isLoopbackHost(hostOf(registry));
  }

  /** Send a request with auth, retries and redirects. Statuses other than retried ones are returned, not thrown. */
  async request(req: RegistryRequest): Promise<RegistryResponse> {
    const endpoint = await this.endpoint(req.registry);
    const scope = req.repository ? repositoryScope(req.repository, req.actions ?? ["pull"]) : undefined;
    let challenge = endpoint.challenge;
    let authorization = challenge ? await this.authorization(req, challenge, scope, false) : undefined;
    let res = await this.send(req, endpoint.base, authorization);
    if (res.status === 401) {
      // A new or narrower challenge (expired token, other scope): get a fresh token once.
      const fresh = pickChallenge(parseChallenges(res.headers.get("www-authenticate")));
      if (fresh && (fresh.scheme === "bearer" || !authorization)) {
        res.release();
        challenge = fresh;
        authorization = await this.authorization(req, fresh, fresh.params.scope ?? scope, true);
        res = await this.send(req, endpoint.base, authorization);
      }
    }
    if (res.status === 401) {
      const cred = await this.lookupCredentials(req.registry, req.repository ?? "");
      res.credentialSource = cred ? (cred.source ?? "the credential store") : "none";
    }
    return res;
  }

  /** Turn an unexpected status into a RegistryError naming the registry and what failed. */
  statusError(req: { registry: string; what: string }, res: RegistryResponse): RegistryError {
    const detail = distributionErrorDetail(res.body);
    const suffix = detail ? `: ${detail}` : "";
    const status = res.status;
    if (status === 401) {
      const why =
        res.credentialSource === "none"
          ? "authentication required and no credentials found (use --pull-secret, docker login or REGISTRY_AUTH_FILE)"
          : res.credentialSource
            ? `credentials from ${res.credentialSource} were refused`
            : "authentication failed";
      return new RegistryError("UNAUTHORIZED", req.registry, `${req.what}: ${why} (401)${suffix}`, {
        status,
      });
    }
    if (status === 403) {
      return new RegistryError("DENIED", req.registry, `${req.what}: access denied (403)${suffix}`, {
        status,
      });
    }
    if (status === 404) {
      return new RegistryError("NOT_FOUND", req.registry, `${req.what}: not found (404)${suffix}`, {
        status,
      });
    }
    if (status === 429) {
      return new RegistryError("RATE_LIMITED", req.registry, `${req.what}: rate limited (429)${suffix}`, {
        status,
      });
    }
    if (status >= 500) {
      return new RegistryError(
        "SERVER_ERROR",
        req.registry,
        `${req.what}: server error (${status})${suffix}`,
        {
          status,
        },
      );
    }
    return new RegistryError("HTTP", req.registry, `${req.what}: unexpected HTTP status ${status}${suffix}`, {
      status,
    });
  }

  // ---- endpoint discovery -------------------------------------------------------------

  private endpoint(registry: string): Promise<Endpoint> {
    let p = this.endpoints.get(registry);
    if (!p) {
      p = this.ping(registry);
      this.endpoints.set(registry, p);
      p.catch(() => this.endpoints.delete(registry));
    }
    return p;
  }

  private async ping(registry: string): Promise<Endpoint> {
    const host = apiHost(registry);
    const req: RegistryRequest = { registry, method: "GET", path: "/v2/", what: "GET /v2/ (ping)" };
    let res: RegistryResponse;
    let base = `https://${host}`;
    try {
      res = await this.send({ ...req, noRetry: this.isInsecure(registry) }, base, undefined);
    } catch (err) {
      const failure = err instanceof RegistryError ? (err.cause as unknown) : undefined;
      const kind = failure !== undefined ? classifyNetworkError(failure) : undefined;
      // A plain-http server on the port answers a TLS hello with garbage: fall back for insecure registries.
      const plainServer =
        kind !== undefined &&
        (kind.code === "ERR_SSL_WRONG_VERSION_NUMBER" ||
          kind.code === "EPROTO" ||
          kind.code === "ERR_SSL_PACKET_LENGTH_TOO_LONG" ||
          (kind.kind === "reset" && kind.code !== "ECONNREFUSED"));
      if (!(this.isInsecure(registry) && plainServer)) throw err;
      base = `http://${host}`;
      res = await this.send(req, base, undefined);
    }
    if (res.status === 200) return { base };
    if (res.status === 401) {
      const challenge = pickChallenge(parseChallenges(res.headers.get("www-authenticate")));
      if (!challenge) {
        throw new RegistryError("PROTOCOL", registry, "GET /v2/: 401 without a Bearer or Basic challenge", {
          status: 401,
        });
      }
      return { base, challenge };
    }
    if (res.status === 404) {
      throw new RegistryError("PROTOCOL", registry, "GET /v2/: 404, not an OCI Distribution (v2) registry", {
        status: 404,
      });
    }
    throw this.statusError(req, res);
  }

  // ---- authentication -----------------------------------------------------------------

  private lookupCredentials(registry: string, repository: string): Promise<Credential | undefined> {
    const key = `${registry}\0${repository}`;
    let p = this.creds.get(key);
    if (!p) {
      p = this.credentials.lookup(registry, repository);
      this.creds.set(key, p);
      p.catch(() => this.creds.delete(key));
    }
    return p;
  }

  private async authorization(
    req: RegistryRequest,
    challenge: Challenge,
    scope: string | undefined,
    refresh: boolean,
  ): Promise<string | undefined> {
    const cred = await this.lookupCredentials(req.registry, req.repository ?? "");
    if (challenge.scheme === "basic") {
      if (!cred || cred.password === undefined) return undefined;
      return `Basic ${Buffer.from(`${cred.username ?? ""}:${cred.password}`).toString("base64")}`;
    }
    if (challenge.scheme !== "bearer") return undefined;
    if (cred?.registryToken) return `Bearer ${cred.registryToken}`;
    const realm = challenge.params.realm;
    if (!realm) {
      throw new RegistryError("PROTOCOL", req.registry, `${req.what}: Bearer challenge without a realm`);
    }
    const key = `${req.registry}\0${realm}\0${challenge.params.service ?? ""}\0${scope ?? ""}`;
    const cached = this.tokens.get(key);
    if (!refresh && cached && cached.expiresAt > Date.now() + 5_000) return `Bearer ${cached.token}`;
    const token = await this.fetchToken(req, realm, challenge.params.service, scope, cred);
    this.tokens.set(key, token);
    return `Bearer ${token.token}`;
  }

  private async fetchToken(
    req: RegistryRequest,
    realm: string,
    service: string | undefined,
    scope: string | undefined,
    cred: Credential | undefined,
  ): Promise<CachedToken> {
    let url: URL;
    try {
      url = new URL(realm);
    } catch {
      throw new RegistryError("PROTOCOL", req.registry, `token realm ${JSON.stringify(realm)} is not a URL`);
    }
    if (url.protocol !== "https:" && !(url.protocol === "http:" && this.isInsecure(url.host))) {
      throw new RegistryError(
        "PROTOCOL",
        req.registry,
        `token realm ${url.origin} uses plain http and is not an insecure registry (--insecure-registry ${url.host})`,
      );
    }
    const headers: Record<string, string> = { "user-agent": this.userAgent, accept: "application/json" };
    let method: "GET" | "POST" = "GET";
    let body: string | undefined;
    if (cred?.identityToken) {
      method = "POST";
      const form = new URLSearchParams({ grant_type: "refresh_token", refresh_token: cred.identityToken });
      if (service) form.set("service", service);
      if (scope) form.set("scope", scope);
      form.set("client_id", "portcullis");
      body = form.toString();
      headers["content-type"] = "application/x-www-form-urlencoded";
    } else {
      if (service) url.searchParams.set("service", service);
      if (scope) url.searchParams.set("scope", scope);
      if (cred && cred.password !== undefined) {
        headers.authorization = `Basic ${Buffer.from(`${cred.username ?? ""}:${cred.password}`).toString("base64")}`;
      }
    }
    const what = `token request to ${url.host}${scope ? ` for ${scope}` : ""}`;
    let res: Awaited<ReturnType<typeof fetch>> | undefined;
    for (let attempt = 0; ; attempt++) {
      try {
        res = await fetch(url, { method, headers, body, dispatcher: this.agent, redirect: "follow" });
      } catch (err) {
        const f = classifyNetworkError(err);
        if (f.kind === "reset" && attempt < this.retries) {
          await sleep(backoffDelay(attempt, { baseMs: this.retryBaseMs, maxMs: 10_000 }));
          continue;
        }
        throw networkError(req.registry, what, err);
      }
      if (RETRY_STATUSES.has(res.status) && attempt < this.retries) {
        await res.arrayBuffer().catch(() => undefined);
        await sleep(this.retryDelay(attempt, res.headers.get("retry-after")) ?? 0);
        continue;
      }
      break;
    }
    const text = (await readBounded(res, MAX_TOKEN_BYTES, req.registry, what)).toString("utf8");
    if (res.status === 401 || res.status === 403) {
      const who = cred ? `the credentials from ${cred.source ?? "the credential store"}` : "anonymous access";
      throw new RegistryError(
        "UNAUTHORIZED",
        req.registry,
        `${what}: token server refused ${who} (${res.status})`,
        {
          status: res.status,
        },
      );
    }
    if (res.status !== 200) {
      throw new RegistryError("HTTP", req.registry, `${what}: token server answered ${res.status}`, {
        status: res.status,
      });
    }
    let json: { token?: string; access_token?: string; expires_in?: number; issued_at?: string };
    try {
      json = JSON.parse(text) as typeof json;
    } catch {
      throw new RegistryError(
        "PROTOCOL",
        req.registry,
        `${what}: token server answered something that is not JSON`,
      );
    }
    const token = json.token ?? json.access_token;
    if (!token)
      throw new RegistryError("PROTOCOL", req.registry, `${what}: token server answered without a token`);
    const issued = json.issued_at ? Date.parse(json.issued_at) : Number.NaN;
    const start = Number.isNaN(issued) || issued > Date.now() ? Date.now() : issued;
    // The spec's default lifetime is 60 s.
    const expiresIn = typeof json.expires_in === "number" && json.expires_in > 0 ? json.expires_in : 60;
    return { token, expiresAt: start + expiresIn * 1000 };
  }

  // ---- sending with retries and redirects ---------------------------------------------

  /** Delay before the next retry, or undefined when Retry-After asks for longer than we wait. */
  private retryDelay(attempt: number, retryAfter: string | null): number | undefined {
    const ra = parseRetryAfter(retryAfter);
    if (ra !== undefined) {
      if (ra > this.maxRetryAfterMs) return undefined;
      return ra + Math.round(Math.random() * 100);
    }
    return backoffDelay(attempt, { baseMs: this.retryBaseMs, maxMs: 10_000 });
  }

  private async send(
    req: RegistryRequest,
    base: string,
    authorization: string | undefined,
  ): Promise<RegistryResponse> {
    const startUrl = /^https?:\/\//.test(req.path) ? req.path : base + req.path;
    const origin = new URL(base).origin;
    for (let attempt = 0; ; attempt++) {
      const release = await this.limiter.acquire();
      let keepSlot = false;
      try {
        let url = startUrl;
        let res: Awaited<ReturnType<typeof fetch>>;
        let redirects = 0;
        for (;;) {
          const headers: Record<string, string> = { "user-agent": this.userAgent, ...req.headers };
          // Authorization goes only to the registry's own origin, never across a redirect.
          if (authorization && new URL(url).origin === origin) headers.authorization = authorization;
          try {
            res = await fetch(url, {
              method: req.method,
              headers,
              body: req.body,
              redirect: "manual",
              dispatcher: this.agent,
            });
          } catch (err) {
            const f = classifyNetworkError(err);
            if (f.kind === "reset" && attempt < this.retries && !req.noRetry)
              throw new RetrySignal(undefined);
            throw networkError(req.registry, req.what, err);
          }
          const location = res.headers.get("location");
          if (
            [301, 302, 303, 307, 308].includes(res.status) &&
            location &&
            (req.method === "GET" || req.method === "HEAD")
          ) {
            await res.arrayBuffer().catch(() => undefined);
            if (++redirects > MAX_REDIRECTS) {
              throw new RegistryError(
                "PROTOCOL",
                req.registry,
                `${req.what}: more than ${MAX_REDIRECTS} redirects`,
              );
            }
            url = new URL(location, url).toString();
            continue;
          }
          break;
        }
        if (RETRY_STATUSES.has(res.status) && attempt < this.retries) {
          const delay = this.retryDelay(attempt, res.headers.get("retry-after"));
          if (delay !== undefined) {
            await res.arrayBuffer().catch(() => undefined);
            throw new RetrySignal(delay);
          }
        }
        if (req.stream && res.status >= 200 && res.status < 300 && res.body) {
          keepSlot = true;
          return {
            status: res.status,
            headers: res.headers,
            url,
            body: Buffer.alloc(0),
            stream: res.body as ReadableStream<Uint8Array>,
            release,
          };
        }
        let body: Buffer;
        try {
          body =
            req.method === "HEAD"
              ? Buffer.alloc(0)
              : await readBounded(res, req.maxBodyBytes ?? MAX_BODY_BYTES, req.registry, req.what);
        } catch (err) {
          const f = classifyNetworkError(err);
          if (f.kind === "reset" && attempt < this.retries) throw new RetrySignal(undefined);
          throw networkError(req.registry, req.what, err, "the response body");
        }
        return { status: res.status, headers: res.headers, url, body, release: () => {} };
      } catch (err) {
        if (err instanceof RetrySignal) {
          release();
          await sleep(err.delayMs ?? backoffDelay(attempt, { baseMs: this.retryBaseMs, maxMs: 10_000 }));
          continue;
        }
        throw err;
      } finally {
        if (!keepSlot) release();
      }
    }
  }
}

class RetrySignal {
  constructor(readonly delayMs: number | undefined) {}
}

/** A RegistryError for a failed connection, keeping the undici error as the cause. */
export function networkError(registry: string, what: string, err: unknown, part?: string): RegistryError {
  if (err instanceof RegistryError) return err;
  const f = classifyNetworkError(err);
  const during = part ? ` while reading ${part}` : "";
  switch (f.kind) {
    case "timeout":
      return new RegistryError(
        "TIMEOUT",
        registry,
        `${what}: no answer within the timeout${during} (${f.code})`,
        {
          cause: err,
        },
      );
    case "tls":
      return new RegistryError(
        "TLS",
        registry,
        `${what}: TLS failed: ${f.detail} (give the registry's CA with --ca-file; plain http only for --insecure-registry hosts)`,
        { cause: err },
      );
    case "dns":
      return new RegistryError("UNREACHABLE", registry, `${what}: host not found (${f.code})`, {
        cause: err,
      });
    case "reset":
      return new RegistryError(
        part ? "TRUNCATED" : "UNREACHABLE",
        registry,
        part
          ? `${what}: connection closed${during} (${f.code})`
          : `${what}: cannot connect (${f.code || f.detail})`,
        { cause: err },
      );
    default:
      return new RegistryError("UNREACHABLE", registry, `${what}: request failed${during}: ${f.detail}`, {
        cause: err,
      });
  }
}

/** The first `errors[].code: message` of a Distribution error body, if any. */
export function distributionErrorDetail(body: Buffer): string | undefined {
  if (body.length === 0 || body.length > 65_536) return undefined;
  try {
    const json = JSON.parse(body.toString("utf8")) as { errors?: { code?: string; message?: string }[] };
    const e = json.errors?.[0];
    if (!e) return undefined;
    return [e.code, e.message].filter(Boolean).join(": ");
  } catch {
    return undefined;
  }
}
