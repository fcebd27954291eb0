/**
 * Opening the vulnerability database for `scan`, `check` and the webhook (src/vulndb does the
 * work): where it is (`--db`, PORTCULLIS_DB, else `$XDG_CACHE_HOME/portcullis/vuln.db`), one
 * error type for "cannot be used" (missing, newer schema, locked, unreachable; its message says
 * how to get one), and the stale-data warning (older than 7 days by default).
 */
import type { VulnStore } from "../vulndb/types.js";

export class VulnDbMissingError extends Error {
  override readonly name = "VulnDbMissingError";
}

/** The database location in force: the flag, else PORTCULLIS_DB, else the user's cache folder. */
export async function vulnDbLocation(flag?: string): Promise<string> {
  const { resolveDbLocation } = await import("../vulndb/location.js");
  return resolveDbLocation(flag);
}

export function isPostgresLocation(location: string): boolean {
  return /^postgres(ql)?:\/\//i.test(location);
}

/**
 * Open the store for reading; any failure is VulnDbMissingError, never an empty database. A
 * database that holds no data at all (created by an import or update that failed) is missing
 * too: scanning against it would report every image clean and let the policy allow it.
 */
export async function openScanDatabase(location: string): Promise<VulnStore> {
  const { openVulnReader, isVulnDbError } = await import("../vulndb/index.js");
  let store: VulnStore;
  try {
    store = await openVulnReader(location);
  } catch (err) {
    if (isVulnDbError(err)) throw new VulnDbMissingError((err as Error).message);
    throw err;
  }
  let empty: boolean;
  try {
    const status = await store.status();
    empty = status.sources.length === 0;
  } catch (err) {
    await store.close();
    if (isVulnDbError(err)) throw new VulnDbMissingError((err as Error).message);
    throw err;
  }
  if (empty) {
    await store.close();
    throw new VulnDbMissingError(
      `the vulnerability database at ${location.replace(/\/\/([^:@/]+):[^@/]*@/, "//$1:***@")} holds no data; run 'portcullis db update' to download it, or 'portcullis db import FILE' to load a feed or an exported database`,
    );
  }
  return store;
}
