/**
 * The shared backend: the same tables in PostgreSQL (pg), so CI runners and webhook replicas
 * read one database that one job updates. An import is one transaction (readers see the old
 * data until COMMIT). Filled in below.
 */
import type { VulnDb } from "./backend.js";
import { VulnDbError } from "./errors.js";

export class PostgresVulnDb {
  static async open(
    location: string,
    _opts: { write?: boolean; connectTimeoutMs?: number },
  ): Promise<VulnDb> {
    throw new VulnDbError("DB_UNREACHABLE", `${location}: PostgreSQL backend not available yet`);
  }
}
