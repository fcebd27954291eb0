/**
 * The results store: scan results per image digest, shared by `monitor` and `audit` — when each
 * digest was first seen and last scanned, its SBOM (gzipped catalog JSON, for rescans after a
 * database update without a pull), and its findings with the time each was first seen, so
 * `audit --since` can list what is new and `monitor` can tell a new critical finding from an
 * old one. Two backends with one contract: an SQLite file (sqlite-results.ts, the default) or
 * PostgreSQL (postgres-results.ts, `postgres://…`, e.g. the database the vulnerability data is
 * shared in; tables prefixed `monitor_`). Implements ImageScanSource for audit.
 * Not for: vulnerability data itself (src/vulndb).
 */
import type { ResultStore } from "./results.js";

export type { ResultStore, ScanRecordInput } from "./results.js";

/** Open the store at a file path (SQLite, created) or a postgres:// URL (tables created). */
export async function openResultStore(location: string): Promise<ResultStore> {
  if (/^postgres(ql)?:\/\//i.test(location)) {
    const { PostgresResultStore } = await import("./postgres-results.js");
    return PostgresResultStore.open(location);
  }
  const { SqliteResultStore } = await import("./sqlite-results.js");
  return SqliteResultStore.open(location);
}

/** Default location: $XDG_CACHE_HOME/portcullis/results.db (beside the vulnerability database). */
export function defaultStorePath(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CACHE_HOME || `${env.HOME ?? "."}/.cache`;
  return `${base}/portcullis/results.db`;
}
