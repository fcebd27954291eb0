/**
 * Errors from talking to a Kubernetes API server: a typed KubeApiError carrying the server's
 * meta/v1 Status (code, reason, message) or the transport failure, and ClusterConfigError for a
 * kubeconfig that cannot be read or used. Callers decide what is partial (403 on one namespace)
 * and what is fatal (401, unreachable).
 */

export class KubeApiError extends Error {
  override readonly name = "KubeApiError";
  constructor(
    message: string,
    /** HTTP status, or 0 for a transport failure (refused, reset, TLS). */
    readonly code: number,
    /** The Status reason (Forbidden, Expired, Conflict, …), when the server sent one. */
    readonly reason?: string,
  ) {
    super(message);
  }

  get forbidden(): boolean {
    return this.code === 403;
  }
  get gone(): boolean {
    return this.code === 410;
  }
  get conflict(): boolean {
    return this.code === 409;
  }
  get notFound(): boolean {
    return this.code === 404;
  }
}

export class ClusterConfigError extends Error {
  override readonly name = "ClusterConfigError";
}
