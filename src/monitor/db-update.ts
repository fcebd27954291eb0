/**
 * `monitor`'s scheduled `db update`, with src/vulndb's update library and the same sources as
 * the `db update` verb (the defaults, a selection, a mirror, a sources file). Says whether any
 * source changed, so the monitor rescans stored SBOMs only when there is new data.
 * Not for: scheduling (monitor.ts) or importing (src/vulndb).
 */
import type { UpdateSource } from "../vulndb/index.js";

export interface SourceChoice {
  /** As `db update --source` (default all). */
  select?: string;
  /** As `db update --mirror` (also PORTCULLIS_DB_MIRROR). */
  mirror?: string;
  /** As `db update --sources-file`. */
  sourcesFile?: string;
}

/** The sources to update from; bad choices throw src/vulndb's errors (their messages name them). */
export async function chooseSources(c: SourceChoice): Promise<UpdateSource[]> {
  const { applyMirror, defaultSources, readSourcesFile, selectSources } = await import("../vulndb/index.js");
  let all = defaultSources();
  if (c.sourcesFile) all = readSourcesFile(c.sourcesFile, all).sources;
  const chosen = selectSources(all, c.select ?? "all");
  return c.mirror ? applyMirror(chosen, c.mirror) : chosen;
}

export interface DatabaseUpdate {
  changed: boolean;
  /** Feeds re-imported and their record counts. */
  feeds: { feed: string; records: number }[];
  unchanged: string[];
}

/** Update the database at `location` (created when missing) from `sources`. */
export async function updateVulnerabilityDb(
  location: string,
  sources: readonly UpdateSource[],
  opts: { retries?: number } = {},
): Promise<DatabaseUpdate> {
  const { openVulnStore, updateDb } = await import("../vulndb/index.js");
  const db = await openVulnStore(location, { write: true });
  try {
    const r = await updateDb(db, sources, { download: { retries: opts.retries ?? 3 } });
    return {
      changed: r.feeds.length > 0,
      feeds: r.feeds.map((f) => ({ feed: f.feed, records: f.records })),
      unchanged: r.unchanged,
    };
  } finally {
    await db.close();
  }
}
