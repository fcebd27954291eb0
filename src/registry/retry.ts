/**
 * Retry policy for registry requests: which failures are worth another try (429, 5xx,
 * connection resets), how long to wait (exponential backoff with jitter, or the server's
 * Retry-After), and how network errors are classified. No I/O here.
 */

export const RETRY_STATUSES = new Set([429, 500, 502, 503, 504]);

const RESET_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "EPIPE",
  "ECONNABORTED",
  "EAI_AGAIN",
  "UND_ERR_SOCKET",
  "UND_ERR_CLOSED",
]);
const TIMEOUT_CODES = new Set([
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
  "UND_ERR_CONNECT_TIMEOUT",
  "ETIMEDOUT",
  "ABORT_ERR",
]);

export type NetworkFailure = {
  kind: "reset" | "timeout" | "tls" | "dns" | "other";
  code: string;
  detail: string;
};

/** Classify an error thrown by undici's fetch (the useful part is usually in `cause`). */
export function classifyNetworkError(err: unknown): NetworkFailure {
  let e = err as { code?: string; message?: string; cause?: unknown; name?: string } | undefined;
  // walk to the innermost cause that has a code
  for (let i = 0; i < 5 && e && !e.code && e.cause; i++) e = e.cause as typeof e;
  const code = e?.code ?? (e?.name === "TimeoutError" ? "ETIMEDOUT" : "");
  const detail = (e?.message ?? String(err)).split("\n")[0];
  if (TIMEOUT_CODES.has(code)) return { kind: "timeout", code, detail };
  if (RESET_CODES.has(code)) return { kind: "reset", code, detail };
  if (code === "ENOTFOUND") return { kind: "dns", code, detail };
  if (
    code.startsWith("ERR_SSL") ||
    code.startsWith("ERR_TLS") ||
    code.startsWith("CERT_") ||
    code === "EPROTO" ||
    code === "UNABLE_TO_VERIFY_LEAF_SIGNATURE" ||
    code === "UNABLE_TO_GET_ISSUER_CERT_LOCALLY" ||
    code === "DEPTH_ZERO_SELF_SIGNED_CERT" ||
    code === "SELF_SIGNED_CERT_IN_CHAIN"
  )
    return { kind: "tls", code, detail };
  return { kind: "other", code, detail };
}

/** Retry-After as milliseconds (delta-seconds or an HTTP date), or undefined. */
export function parseRetryAfter(value: string | null | undefined, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const t = Date.parse(v);
  if (Number.isNaN(t)) return undefined;
  return Math.max(0, t - now);
}

export interface BackoffOptions {
  baseMs: number;
  maxMs: number;
}

/** Delay before retry number `attempt` (0-based): exponential, capped, with "equal jitter". */
export function backoffDelay(attempt: number, opts: BackoffOptions, random = Math.random): number {
  const ceiling = Math.min(opts.maxMs, opts.baseMs * 2 ** attempt);
  return Math.round(ceiling / 2 + random() * (ceiling / 2));
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
