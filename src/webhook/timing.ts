/**
 * The one setting behind the webhook's timing: `timeoutSeconds`, how long the API server waits
 * for an answer (the webhook configuration's field, 1–30 s, Kubernetes' default 10). The
 * per-request deadline derives from it, comfortably under it (timeout − 2 s, or half of a
 * timeout under 4 s), so the answer — and its message — reaches the API server before it gives
 * up. `webhook install` writes timeoutSeconds into the configurations and passes the same value
 * to `webhook serve` in the pods; an explicit deadline must still leave a second of slack.
 */

export const DEFAULT_TIMEOUT_SECONDS = 10;
export const MAX_TIMEOUT_SECONDS = 30;

export class TimingError extends Error {
  override readonly name = "TimingError";
}

export interface Timing {
  timeoutSeconds: number;
  deadlineMs: number;
}

/** The default deadline for a timeout: timeout − 2 s, or half the timeout when that is less. */
export function deadlineFor(timeoutSeconds: number): number {
  const ms = timeoutSeconds * 1000;
  return ms - Math.min(2000, ms / 2);
}

/**
 * timeoutSeconds and the deadline from what was given; throws TimingError naming the flag.
 * Without timeoutSeconds it is the API server's default (10 s) for `serve`, which does not set
 * it; `install`, which writes it, sets it 2 s above a deadline given alone (`deadlineSetsTimeout`).
 */
export function resolveTiming(
  given: { timeoutSeconds?: number; deadlineMs?: number; deadlineText?: string },
  opts: { deadlineSetsTimeout?: boolean } = {},
): Timing {
  const t = given.timeoutSeconds;
  if (t !== undefined && (!Number.isInteger(t) || t < 1 || t > MAX_TIMEOUT_SECONDS))
    throw new TimingError(
      `--timeout-seconds must be a whole number from 1 to ${MAX_TIMEOUT_SECONDS} (the API server's limit), got ${t}`,
    );
  const d = given.deadlineMs;
  if (d !== undefined && !(d > 0)) throw new TimingError("--deadline must be greater than zero");
  if (d === undefined) {
    const timeoutSeconds = t ?? DEFAULT_TIMEOUT_SECONDS;
    return { timeoutSeconds, deadlineMs: deadlineFor(timeoutSeconds) };
  }
  const timeoutSeconds = t ?? (opts.deadlineSetsTimeout ? Math.ceil(d / 1000) + 2 : DEFAULT_TIMEOUT_SECONDS);
  if (timeoutSeconds > MAX_TIMEOUT_SECONDS || d > timeoutSeconds * 1000 - 1000) {
    const limit = (Math.min(timeoutSeconds, MAX_TIMEOUT_SECONDS) - 1) * 1000;
    throw new TimingError(
      `--deadline ${given.deadlineText ?? `${d}ms`} is too long: the API server waits ${Math.min(timeoutSeconds, MAX_TIMEOUT_SECONDS)} s (timeoutSeconds) and the answer needs a second of it; use ${limit / 1000}s or less`,
    );
  }
  return { timeoutSeconds, deadlineMs: d };
}
