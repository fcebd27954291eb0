/**
 * The stored shape of vulnerability data and the store contract shared by the importers
 * (src/vulndb/importers/*), the storage backends (SQLite, PostgreSQL) and the matcher
 * (src/scan). Every source is converted to an OSV record (https://ossf.github.io/osv-schema/)
 * at import time, the way osv.dev itself publishes distro data (`Alpine:v3.18`, `Debian:12`);
 * the matcher therefore knows one format. Not for: version comparison (src/version) or
 * matching rules (src/scan).
 */

export type OsvEvent =
  | { introduced: string }
  | { fixed: string }
  | { last_affected: string }
  | { limit: string };

export interface OsvRange {
  type: string; // "SEMVER" | "ECOSYSTEM" | "GIT" (others are skipped with a warning at import)
  repo?: string;
  events: OsvEvent[];
  database_specific?: Record<string, unknown>;
}

export interface OsvAffected {
  package?: { ecosystem: string; name: string; purl?: string };
  severity?: OsvSeverity[];
  ranges?: OsvRange[];
  versions?: string[];
  ecosystem_specific?: Record<string, unknown>;
  database_specific?: Record<string, unknown>;
}

export interface OsvSeverity {
  type: string; // "CVSS_V2" | "CVSS_V3" | "CVSS_V4" | "Ubuntu" | ...
  score: string;
}

export interface OsvRecord {
  schema_version?: string;
  id: string;
  modified: string;
  published?: string;
  withdrawn?: string;
  aliases?: string[];
  related?: string[];
  upstream?: string[];
  summary?: string;
  details?: string;
  severity?: OsvSeverity[];
  affected?: OsvAffected[];
  references?: { type: string; url: string }[];
  database_specific?: Record<string, unknown>;
}

/**
 * Conventions for records converted from native distro feeds (so the matcher can report them):
 * - Alpine secdb: id = the listed id (CVE-…, ALPINE-…), ecosystem `Alpine:v3.18`, package name =
 *   the origin package, one ECOSYSTEM range `introduced: "0"`, `fixed: <secfixes key>`.
 *   A `"0"` key (never affected) produces no affected entry.
 * - Debian tracker: id = CVE id, ecosystem `Debian:<major>` (bookworm → 12), package name = the
 *   source package, ECOSYSTEM range `introduced: "0"` plus `fixed` when fixed_version is set
 *   (no end event when open); `fixed_version: "0"` produces no affected entry;
 *   `affected[].database_specific` = { urgency, status } as the tracker gives them
 *   (urgency "unimportant" → negligible, "end-of-life" → reported as such).
 */
export interface DistroRecordDatabaseSpecific {
  urgency?: string;
  status?: string;
}

/** A record as the store returns it: the feed it came from and the record. */
export interface StoredRecord {
  /** Source id, e.g. "osv", "alpine-secdb", "debian-tracker". */
  source: string;
  record: OsvRecord;
}

export interface EcosystemCount {
  /** Full ecosystem string as stored, e.g. "npm", "Alpine:v3.18", "Debian:12". */
  ecosystem: string;
  records: number;
}

export interface SourceStatus {
  id: string;
  url?: string;
  updatedAt?: string; // ISO 8601
  etag?: string;
  lastModified?: string;
  records: number;
}

export interface DbStatus {
  schemaVersion: number;
  location: string; // file path or postgres URL without password
  updatedAt?: string; // ISO 8601, newest of the sources
  sources: SourceStatus[];
  ecosystems: EcosystemCount[];
}

/** Read side of the database: what `scan`, `check`, the webhook and `audit` use. */
export interface VulnStore {
  /**
   * Records that list (ecosystem, name) in `affected`, per requested name. `names` are given
   * as the catalog has them; the store normalises with `normalizePackageName(ecosystem, n)`
   * (src/vulndb/ecosystem.ts) and returns the result keyed by the name as given.
   * Withdrawn records are returned too (the matcher ignores them and can say so).
   */
  lookup(ecosystem: string, names: readonly string[]): Promise<Map<string, StoredRecord[]>>;
  /** Which ecosystems have data (to say "no data for Alpine v3.99" rather than nothing). */
  ecosystems(): Promise<EcosystemCount[]>;
  status(): Promise<DbStatus>;
  close(): Promise<void>;
}
