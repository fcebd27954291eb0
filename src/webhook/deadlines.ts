/**
 * Per-request budgets of the webhook: the shared review deadline signal and the per-second
 * budget of decision log lines.
 */
import { setMaxListeners } from "node:events";

/**
 * Per-request deadlines without a timer and an AbortController per request: requests that
 * arrive within the same slice of time (1% of the deadline, at least 5 ms) share one signal,
 * which fires one deadline after the slice began. Each request thus gets between 99% and 100%
 * of the deadline (never more, so the answer still beats the API server's timeout).
 */
export class SharedDeadlines {
  private readonly slice: number;
  private current?: { until: number; controller: AbortController };
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(private readonly ms: number) {
    this.slice = Math.min(ms, Math.max(5, ms / 100));
  }

  signal(): AbortSignal {
    const now = performance.now();
    if (!this.current || now >= this.current.until) {
      const controller = new AbortController();
      // Every review of the slice may wait on it: no "possible leak" warning.
      setMaxListeners(0, controller.signal);
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        controller.abort();
      }, this.ms);
      timer.unref();
      this.timers.add(timer);
      this.current = { until: now + this.slice, controller };
    }
    return this.current.controller.signal;
  }

  /** Stop the timers (at shutdown, after in-flight reviews finished). */
  close(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    this.current = undefined;
  }
}

/**
 * A per-second budget of log lines: a flood of identical denials (a controller re-creating a
 * rejected pod) must not turn into a flood of synchronous log I/O on the request path.
 */
export class LogBudget {
  private windowStart = 0;
  private used = 0;
  private suppressed = 0;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly perSecond: number,
    private readonly report: (suppressed: number, limit: number) => void,
  ) {}

  /** True when this line may be logged. */
  take(): boolean {
    if (this.perSecond <= 0) return true;
    const now = performance.now();
    if (now - this.windowStart >= 1000) {
      this.flush();
      this.windowStart = now;
      this.used = 0;
    }
    if (this.used < this.perSecond) {
      this.used++;
      return true;
    }
    if (this.suppressed++ === 0) {
      this.timer = setTimeout(() => this.flush(), 1000 - (now - this.windowStart));
      this.timer.unref();
    }
    return false;
  }

  /** Report what was left out so far (at the end of each second and at shutdown). */
  flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    if (this.suppressed > 0) this.report(this.suppressed, this.perSecond);
    this.suppressed = 0;
  }
}
