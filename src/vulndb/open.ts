/**
 * Opening the vulnerability database by location: a file path (SQLite) or a `postgres://` URL
 * (PostgreSQL, shared by a fleet). Readers get the VulnStore; `write: true` gives the VulnDb that
 * importers fill (creating an SQLite file when missing).
 */
import type { VulnDb } from "./backend.js";
import { isPostgresUrl, resolveDbLocation } from "./location.js";
import { SqliteVulnDb } from "./sqlite-store.js";
import type { VulnStore } from "./types.js";

export interface OpenVulnStoreOptions {
  /** Open for writing (import, update); an SQLite file is created when missing. */
  write?: boolean;
  /** How long to wait for another writer's lock, ms (SQLite; default PORTCULLIS_DB_BUSY_TIMEOUT_MS, else 5000). */
  busyTimeoutMs?: number;
  /** Connection timeout for PostgreSQL, ms (default 5000). */
  connectTimeoutMs?: number;
}

/**
 * Open the database at `location` (default: `PORTCULLIS_DB`, else
 * `$XDG_CACHE_HOME/portcullis/vuln.db`). Throws DbMissingError (exit 3) when there is none and
 * `write` is not set; VulnDbError for a newer schema, a locked, read-only or unreachable one.
 */
export async function openVulnStore(location?: string, opts: OpenVulnStoreOptions = {}): Promise<VulnDb> {
  const where = resolveDbLocation(location);
  if (isPostgresUrl(where)) {
    const { PostgresVulnDb } = await import("./postgres-store.js");
    return PostgresVulnDb.open(where, opts);
  }
  const envTimeout = Number(process.env.PORTCULLIS_DB_BUSY_TIMEOUT_MS);
  const busyTimeoutMs =
    opts.busyTimeoutMs ?? (Number.isFinite(envTimeout) && envTimeout >= 0 ? envTimeout : undefined);
  return SqliteVulnDb.open(where, {
    ...(opts.write !== undefined ? { write: opts.write } : {}),
    ...(busyTimeoutMs !== undefined ? { busyTimeoutMs } : {}),
  });
}

/** Read-only access for scanners: the same as openVulnStore(location) typed as the read side. */
export function openVulnReader(location?: string): Promise<VulnStore> {
  return openVulnStore(location);
}
