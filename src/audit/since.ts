/**
 * `--since DATE|DURATION`: a point in time, as an ISO date/time (2026-12-01, 2026-12-01T08:00Z)
 * or a duration back from now (90m, 36h, 7d, 2w).
 */
const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

export function parseSince(text: string, now: Date = new Date()): Date | undefined {
  const t = text.trim();
  const m = /^(\d+)(m|h|d|w)$/.exec(t);
  if (m) return new Date(now.getTime() - Number(m[1]) * (UNIT_MS[m[2] as string] as number));
  if (!/^\d{4}-\d{2}-\d{2}/.test(t)) return undefined;
  const d = new Date(t);
  return Number.isNaN(d.getTime()) ? undefined : d;
}
