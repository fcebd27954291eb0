/**
 * Opening the vulnerability database for `scan`, `check` and the webhook: where it is (`--db`,
 * PORTCULLIS_DB, else `$XDG_CACHE_HOME/portcullis/vuln.db`), a clear error when it is missing
 * (with how to get one), and the stale-data warning (older than 7 days by default).
 */
import { existsSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import type { VulnStore } from "../vulndb/types.js";

export class VulnDbMissingError extends Error {
  override readonly name = "VulnDbMissingError";
}

export const STALE_AFTER_DAYS = 7;

/** The database location in force: the flag, else PORTCULLIS_DB, else the user's cache folder. */
export function vulnDbLocation(flag?: string): string {
  if (flag) return flag;
  if (process.env.PORTCULLIS_DB) return process.env.PORTCULLIS_DB;
  const cache = process.env.XDG_CACHE_HOME || join(homedir(), ".cache");
  return join(cache, "portcullis", "vuln.db");
}

export function isPostgresLocation(location: string): boolean {
  return /^postgres(ql)?:\/\//.test(location);
}

const HOW_TO_GET =
  "get one with `portcullis db update` (online) or `portcullis db import FILE` (an export carried from a connected machine, or OSV/secdb/tracker files)";

/** Open the store; a missing file is VulnDbMissingError, never an empty database. */
export async function openScanDatabase(location: string): Promise<VulnStore> {
  if (!isPostgresLocation(location) && !existsSync(location))
    throw new VulnDbMissingError(`no vulnerability database at ${location}; ${HOW_TO_GET}`);
  const { openVulnStore } = await import("../vulndb/index.js");
  try {
    return await openVulnStore(location);
  } catch (err) {
    throw new VulnDbMissingError(
      `cannot open the vulnerability database at ${location}: ${(err as Error).message}`,
    );
  }
}

/** A warning when the newest source is older than `days`, or when the database has no data. */
export function staleWarning(
  updatedAt: string | undefined,
  now: Date,
  days = STALE_AFTER_DAYS,
): string | undefined {
  if (!updatedAt)
    return "the vulnerability database has no update time; results may be incomplete (run `portcullis db update`)";
  const age = (now.getTime() - Date.parse(updatedAt)) / 86_400_000;
  if (!(age > days)) return undefined;
  return `the vulnerability database was last updated ${Math.floor(age)} days ago (${updatedAt.slice(0, 10)}); newer vulnerabilities are missing (run \`portcullis db update\`)`;
}
