/**
 * The vulnerability database: open a store (SQLite file or PostgreSQL), import feeds (OSV
 * directories and all.zip, Alpine secdb, Debian tracker, `db export` files), update from the
 * configured sources, export, status. The matcher (src/scan) reads it through VulnStore.
 */
export type { ExportedRecord, FeedSource, SourceUpdate, VulnDb, WriteTx } from "./backend.js";
export { SCHEMA_VERSION } from "./backend.js";
export { type DownloadOptions, type DownloadResult, downloadFeed } from "./download.js";
export { ecosystemBase, normalizePackageName } from "./ecosystem.js";
export {
  DbMissingError,
  FeedFormatError,
  isVulnDbError,
  OutputFileError,
  VulnDbError,
  type VulnDbErrorCode,
} from "./errors.js";
export { type ExportSummary, exportDb } from "./export.js";
export { DEFAULT_STALE_AFTER_DAYS, dataAgeDays, staleWarning } from "./freshness.js";
export {
  type ImportedFeed,
  type ImportOptions,
  type ImportSummary,
  importFeeds,
  importPrepared,
  isUrl,
  type PreparedInput,
  prepareInput,
} from "./import.js";
export { IMPORTERS, type VulnImporter } from "./importers/index.js";
export { defaultDbPath, displayLocation, isPostgresUrl, resolveDbLocation } from "./location.js";
export { type OpenVulnStoreOptions, openVulnReader, openVulnStore } from "./open.js";
export {
  ALPINE_RELEASES,
  applyMirror,
  defaultSources,
  OSV_ECOSYSTEMS,
  readSourcesFile,
  selectSources,
  type UpdateSource,
} from "./sources.js";
export type * from "./types.js";
export { type UpdateOptions, type UpdateResult, updateDb } from "./update.js";
