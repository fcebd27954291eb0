/**
 * Typed registry errors. Every failure names the registry and what failed, carries a stable
 * code (for scripts and tests) and, when there was an HTTP answer, its status. Messages never
 * contain credentials: callers pass only hosts, repositories, references and statuses.
 */

export type RegistryErrorCode =
  /** Credentials missing or refused (401 from the registry or its token server). */
  | "UNAUTHORIZED"
  /** Authenticated, but not allowed (403, or DENIED from the registry). */
  | "DENIED"
  /** Manifest, blob or repository unknown (404). */
  | "NOT_FOUND"
  /** A body's sha256 differs from the digest asked for or announced by the registry. */
  | "DIGEST_MISMATCH"
  /** The body ended before its announced length (connection closed part-way). */
  | "TRUNCATED"
  /** No answer within the timeout. */
  | "TIMEOUT"
  /** Connection refused, reset or DNS failure, after the retries. */
  | "UNREACHABLE"
  /** TLS handshake failed (untrusted certificate, wrong host, plain-HTTP server on the TLS port). */
  | "TLS"
  /** 429 after every retry. */
  | "RATE_LIMITED"
  /** 5xx after every retry. */
  | "SERVER_ERROR"
  /** The registry answered something a Distribution registry should not (bad JSON, no Location, …). */
  | "PROTOCOL"
  /** A credentials source could not be read or a credential helper failed. */
  | "CREDENTIALS"
  /** The manifest list has no entry for the requested platform. */
  | "PLATFORM_NOT_FOUND"
  /** A body is larger than the caller's limit (e.g. an attacker-sized signature payload). */
  | "TOO_LARGE"
  /** Any other unexpected HTTP status. */
  | "HTTP";

export class RegistryError extends Error {
  override readonly name = "RegistryError";
  readonly code: RegistryErrorCode;
  /** The registry host (with port) the failure concerns, e.g. `ghcr.io` or `127.0.0.1:5000`. */
  readonly registry: string;
  readonly status?: number;

  constructor(
    code: RegistryErrorCode,
    registry: string,
    what: string,
    opts: { status?: number; cause?: unknown } = {},
  ) {
    super(`registry ${registry}: ${what}`, opts.cause !== undefined ? { cause: opts.cause } : undefined);
    this.code = code;
    this.registry = registry;
    if (opts.status !== undefined) this.status = opts.status;
  }
}

export function isRegistryError(err: unknown): err is RegistryError {
  return err instanceof RegistryError;
}
