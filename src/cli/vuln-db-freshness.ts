/**
 * The stale-database warning every verb that reads the vulnerability database prints on stderr
 * (`scan`, `check --images` when the policy scans): the sentence of `db status`
 * (src/vulndb/freshness.ts), so one database gets one warning wherever it is read.
 */
import type { DbStatus } from "../vulndb/types.js";

/** Print the warning for this status, if the data is stale or empty. */
export async function warnIfStale(status: DbStatus): Promise<void> {
  const { staleWarning } = await import("../vulndb/freshness.js");
  const warning = staleWarning(status);
  if (warning) process.stderr.write(`warning: ${warning}\n`);
}

/**
 * The same for a location the verb does not open itself (check: the inspector opens it per
 * image). A database that cannot be opened prints nothing here: the look-up that needs it
 * fails closed with its own message.
 */
export async function warnIfStaleAt(location: string): Promise<void> {
  const { openVulnReader } = await import("../vulndb/index.js");
  let store: Awaited<ReturnType<typeof openVulnReader>> | undefined;
  try {
    store = await openVulnReader(location);
    const status = await store.status();
    // An empty database fails the look-ups themselves ("holds no data"); no second message.
    if (status.sources.length) await warnIfStale(status);
  } catch {
    // reported by the look-up itself
  } finally {
    await store?.close().catch(() => undefined);
  }
}
