/**
 * `--since DATE|DURATION`: a point in time, as an ISO date/time (2026-12-01, 2026-12-01T08:00Z)
 * or a duration back from now (90m, 36h, 7d, 2w; src/shared/duration.ts; a bare number is neither).
 */
import { durationMs } from "../shared/duration.js";

export function parseSince(text: string, now: Date = new Date()): Date | undefined {
  const t = text.trim();
  const ms = durationMs(t);
  if (ms !== undefined) return new Date(now.getTime() - ms);
  if (!/^\d{4}-\d{2}-\d{2}/.test(t)) return undefined;
  const d = new Date(t);
  return Number.isNaN(d.getTime()) ? undefined : d;
}
