/**
 * How old the data is: `db status` and the scanners warn when the newest source update is older
 * than a threshold (7 days unless configured), because a scan against old data misses new CVEs.
 */
import type { DbStatus } from "./types.js";

export const DEFAULT_STALE_AFTER_DAYS = 7;

/** Age of the newest update in days, or undefined when the database has never been updated. */
export function dataAgeDays(status: DbStatus, now: Date = new Date()): number | undefined {
  if (!status.updatedAt) return undefined;
  const t = Date.parse(status.updatedAt);
  return Number.isNaN(t) ? undefined : (now.getTime() - t) / 86_400_000;
}

/** A warning sentence when the data is older than `staleAfterDays` or empty; else undefined. */
export function staleWarning(
  status: DbStatus,
  staleAfterDays: number = DEFAULT_STALE_AFTER_DAYS,
  now: Date = new Date(),
): string | undefined {
  if (status.sources.length === 0)
    return `the vulnerability database at ${status.location} holds no data; run 'portcullis db update' or 'db import'`;
  const age = dataAgeDays(status, now);
  if (age === undefined) return `the vulnerability database at ${status.location} has no update time`;
  if (age > staleAfterDays)
    return `the vulnerability database was last updated ${Math.floor(age)} days ago (${status.updatedAt}); run 'portcullis db update'`;
  return undefined;
}
