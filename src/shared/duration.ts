/**
 * Durations as people write them, one grammar for every flag and field: a number (decimals
 * allowed) and a unit — `ms`, `s`, `m`, `h`, `d`, `w` — e.g. `500ms`, `30s`, `6h`, `7d`, `2w`.
 * What a bare number means is the caller's to say (seconds for CLI timeouts and intervals, days
 * for retention ages); without one a bare number is not a duration (policy `maxAge`, `--since`).
 * Errors are the caller's too: this answers undefined for text that is not a duration.
 */
const UNIT_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 } as const;

export type DurationUnit = keyof typeof UNIT_MS;

/** `text` in milliseconds (rounded), or undefined when it is not a duration. */
export function durationMs(text: string, bareUnit?: DurationUnit): number | undefined {
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)?$/.exec(text.trim());
  const unit = (m?.[2] as DurationUnit | undefined) ?? bareUnit;
  if (!m || !unit) return undefined;
  return Math.round(Number(m[1]) * UNIT_MS[unit]);
}
