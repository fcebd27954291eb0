/**
 * Who may hold a connection to the webhook. With `failurePolicy: Fail` an unreachable webhook
 * blocks every workload write, so one client must not be able to take every connection:
 * - a TLS handshake must finish within a few seconds (Node's default is 120 s);
 * - one source address holds at most `perSource` connections;
 * - the last `reserved` slots of `maxConnections` go only to sources that have completed a TLS
 *   handshake before (the API server, which keeps its connections alive), so a flood of
 *   connections that never send a hello cannot lock a known client out.
 * Idle keep-alive and header timeouts are set on the server (server.ts).
 */
import type { Socket } from "node:net";

export interface ConnectionLimits {
  /** Most connections open at once (default 1024). */
  maxConnections: number;
  /** Most connections open at once from one source address (default 256). */
  perSource: number;
  /** Slots of maxConnections kept for sources that completed a handshake before (default 1/8). */
  reserved: number;
}

export const DEFAULT_HANDSHAKE_TIMEOUT_MS = 5_000;
/** Idle keep-alive connections are closed after this; the API server's client keeps them 90 s. */
export const DEFAULT_KEEP_ALIVE_MS = 30_000;

export function connectionLimits(opts: {
  maxConnections?: number;
  maxConnectionsPerSource?: number;
  reservedConnections?: number;
}): ConnectionLimits {
  const maxConnections = opts.maxConnections ?? 1024;
  return {
    maxConnections,
    perSource: opts.maxConnectionsPerSource ?? Math.min(256, maxConnections),
    reserved: Math.min(maxConnections - 1, opts.reservedConnections ?? Math.floor(maxConnections / 8)),
  };
}

/** How many known sources are remembered (oldest forgotten first). */
const KNOWN_SOURCES = 4096;

export class ConnectionGuard {
  private open = 0;
  private readonly bySource = new Map<string, number>();
  private readonly known = new Set<string>();
  /** Connections refused, by reason (for metrics and logs). */
  readonly refused = { perSource: 0, reserved: 0, full: 0 };

  constructor(readonly limits: ConnectionLimits) {}

  /** Count a new TCP connection, or destroy it when it may not be held. */
  admit(socket: Socket): boolean {
    const source = socket.remoteAddress ?? "";
    const mine = this.bySource.get(source) ?? 0;
    const reason =
      this.open >= this.limits.maxConnections
        ? "full"
        : mine >= this.limits.perSource
          ? "perSource"
          : this.open >= this.limits.maxConnections - this.limits.reserved && !this.known.has(source)
            ? "reserved"
            : undefined;
    if (reason) {
      this.refused[reason]++;
      socket.destroy();
      return false;
    }
    this.open++;
    this.bySource.set(source, mine + 1);
    socket.once("close", () => {
      this.open--;
      const n = (this.bySource.get(source) ?? 1) - 1;
      if (n > 0) this.bySource.set(source, n);
      else this.bySource.delete(source);
    });
    return true;
  }

  /** A connection from `source` completed its TLS handshake: the source may use reserved slots. */
  handshakeDone(source: string | undefined): void {
    if (!source) return;
    this.known.delete(source);
    this.known.add(source);
    if (this.known.size > KNOWN_SOURCES) {
      const oldest = this.known.values().next().value;
      if (oldest !== undefined) this.known.delete(oldest);
    }
  }

  get openConnections(): number {
    return this.open;
  }
}
