/**
 * `portcullis db import|update|export|status`: the vulnerability database (src/vulndb). The
 * location is --db (a file or postgres:// URL), else PORTCULLIS_DB, else
 * $XDG_CACHE_HOME/portcullis/vuln.db. Warnings (skipped ranges, records) go to stderr.
 */
import { existsSync, rmSync } from "node:fs";
import { type Command, Option } from "commander";
import {
  applyMirror,
  type DbStatus,
  DEFAULT_STALE_AFTER_DAYS,
  defaultSources,
  exportDb,
  importFeeds,
  isUrl,
  isVulnDbError,
  openVulnStore,
  prepareInput,
  readSourcesFile,
  resolveDbLocation,
  selectSources,
  staleWarning,
  type UpdateSource,
  updateDb,
  type VulnDb,
} from "../../vulndb/index.js";
import { CliError, UsageError } from "../errors.js";
import { mib, stderrBar } from "../progress.js";

interface DbFlags {
  db?: string;
  quiet?: boolean;
}

function cliError(err: unknown): unknown {
  if (isVulnDbError(err)) return new CliError(err.message, err.exitCode);
  return err;
}

/**
 * Open the database for `fn`. A database file this command created is removed again when the
 * command fails (a first `db update` without network, an import of bad input): an empty file
 * left behind would look like a database that holds no data.
 */
async function withDb<T>(flags: DbFlags, write: boolean, fn: (db: VulnDb) => Promise<T>): Promise<T> {
  const location = resolveDbLocation(flags.db);
  const created = write && !/^postgres(ql)?:\/\//i.test(location) && !existsSync(location);
  let db: VulnDb | undefined;
  let failed = false;
  try {
    db = await openVulnStore(location, { write });
    return await fn(db);
  } catch (err) {
    failed = true;
    throw cliError(err);
  } finally {
    await db?.close();
    if (failed && created && db)
      for (const f of [location, `${location}-wal`, `${location}-shm`]) rmSync(f, { force: true });
  }
}

const MAX_WARNINGS = 20;

function printWarnings(warnings: string[], quiet?: boolean): void {
  if (quiet) return;
  for (const w of warnings.slice(0, MAX_WARNINGS)) process.stderr.write(`warning: ${w}\n`);
  if (warnings.length > MAX_WARNINGS)
    process.stderr.write(`warning: … and ${warnings.length - MAX_WARNINGS} more warnings\n`);
}

function positiveNumber(v: string): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0)
    throw new UsageError(`expected a positive number of days, got ${JSON.stringify(v)}`);
  return n;
}

async function progress(quiet?: boolean) {
  const bar = await stderrBar(" {source} |{bar}| {value}/{total} MiB", quiet);
  if (!bar) return undefined;
  let current = "";
  return {
    update(source: UpdateSource, received: number, total: number | undefined) {
      if (current !== source.id) {
        if (current) bar.stop();
        current = source.id;
        bar.start(Math.max(mib(total ?? received), 0.1), 0, { source: source.id });
      }
      if (total === undefined) bar.setTotal(Math.max(mib(received), 0.1));
      bar.update(mib(received), { source: source.id });
    },
    stop() {
      if (current) bar.stop();
      current = "";
    },
  };
}

function statusTable(s: DbStatus, warning: string | undefined): string {
  const lines = [
    `database:        ${s.location}`,
    `schema version:  ${s.schemaVersion}`,
    `last update:     ${s.updatedAt ?? "never"}`,
    "",
    "sources:",
  ];
  const w = Math.max(6, ...s.sources.map((x) => x.id.length));
  for (const src of s.sources)
    lines.push(
      `  ${src.id.padEnd(w)}  ${String(src.records).padStart(8)} records  ${src.updatedAt ?? "-"}  ${src.url ?? ""}`.trimEnd(),
    );
  if (s.sources.length === 0) lines.push("  (none)");
  lines.push("", "records per ecosystem:");
  const e = Math.max(9, ...s.ecosystems.map((x) => x.ecosystem.length));
  for (const eco of s.ecosystems)
    lines.push(`  ${eco.ecosystem.padEnd(e)}  ${String(eco.records).padStart(8)}`);
  if (s.ecosystems.length === 0) lines.push("  (none)");
  if (warning) lines.push("", `warning: ${warning}`);
  return `${lines.join("\n")}\n`;
}

const DB_OPTION_HELP =
  "database file or postgres:// URL (default: $PORTCULLIS_DB, else $XDG_CACHE_HOME/portcullis/vuln.db)";

export function register(program: Command): void {
  const db = program
    .command("db")
    .description("the vulnerability database: import feeds, update from the sources, export, status")
    .addHelpText(
      "after",
      `
Examples:
  portcullis db update                                  # all default sources
  portcullis db update --source osv:npm,osv:PyPI,alpine-secdb:v3.18,debian-tracker
  portcullis db import ./advisory-database/advisories ./npm-all.zip v3.18-main.json
  portcullis db export vuln-db.sqlite                   # carry into an air-gapped network
  portcullis db import vuln-db.sqlite --db /srv/portcullis/vuln.db
  portcullis db status -f json
  portcullis db status --db postgres://scanner@db.internal/portcullis

Exit codes: 0 ok, 2 bad input (not a feed, bad flags), 3 database missing, locked, read-only,
from a newer schema, PostgreSQL unreachable, or a download failed.`,
    );

  db.command("import")
    .description(
      "import feeds, detected by content: OSV directories or all.zip, Alpine secdb, Debian tracker JSON, db export files",
    )
    .argument("<path-or-url...>", "files, directories or http(s) URLs")
    .option("--db <location>", DB_OPTION_HELP)
    .option("-q, --quiet", "no warnings, no summary")
    .addHelpText(
      "after",
      `
All inputs are imported in one transaction: the database gets all of them or none (a reader
sees the old data until the import commits). OSV records replace older versions of the same id;
an Alpine secdb file or Debian tracker file replaces that feed whole. Records with an unknown
range type or an invalid version lose that range, with a warning naming the record. An input
that is none of the formats (an HTML error page, an empty or truncated file, a corrupt zip)
stops the import with exit 2 and nothing written.

Examples:
  portcullis db import ./advisory-database/advisories      # a directory of OSV records
  portcullis db import npm-all.zip PyPI-all.zip            # osv.dev's per-ecosystem archives
  portcullis db import https://osv-vulnerabilities.storage.googleapis.com/Go/all.zip
  portcullis db import v3.18-main.json debian-tracker.json  # Alpine secdb, Debian tracker
  portcullis db import vuln-db.sqlite --db /srv/portcullis/vuln.db   # a 'db export' file`,
    )
    .action(async (paths: string[], flags: DbFlags) => {
      // Detect every local input before opening (or creating) the database: bad input writes nothing.
      try {
        for (const p of paths) if (!isUrl(p)) prepareInput(p);
      } catch (err) {
        throw cliError(err);
      }
      await withDb(flags, true, async (store) => {
        const summary = await importFeeds(store, paths);
        printWarnings(summary.warnings, flags.quiet);
        if (!flags.quiet) {
          for (const f of summary.feeds)
            process.stdout.write(`${f.input}: ${f.records} records into ${f.feed} (${f.importer})\n`);
          process.stdout.write(
            `imported ${summary.records} records into ${store.location}${summary.warnings.length ? ` (${summary.warnings.length} warnings)` : ""}\n`,
          );
        }
      });
    });

  db.command("update")
    .description(
      "download the configured sources (conditional requests: unchanged sources are not re-imported)",
    )
    .option("--db <location>", DB_OPTION_HELP)
    .option(
      "--source <list>",
      "comma-separated: all, osv, osv:<Ecosystem>, alpine-secdb[:<release>[/<repo>]], debian-tracker",
      "all",
    )
    .option(
      "--mirror <url>",
      "fetch every source from a mirror: <url>/osv/<Ecosystem>/all.zip, <url>/alpine/<release>/<repo>.json, <url>/debian/json (also PORTCULLIS_DB_MIRROR)",
    )
    .option("--sources-file <file>", "YAML/JSON: sources: [{id, url}] to add or override sources")
    .option("--force", "download even when the stored ETag / Last-Modified says unchanged")
    .option(
      "--retries <n>",
      "retries per download, with exponential backoff",
      (v) => Number.parseInt(v, 10),
      3,
    )
    .option("-q, --quiet", "no progress, no summary")
    .addHelpText(
      "after",
      `
Default sources: osv.dev's all.zip for ${defaultSources()
        .filter((s) => s.importer === "osv-zip")
        .map((s) => s.id.slice(4))
        .join(", ")};
Alpine secdb main and community for the recent releases; the Debian security tracker JSON.
Everything is downloaded first and imported in one transaction, so a failed download leaves the
database as it was.

Examples:
  portcullis db update                                      # every default source
  portcullis db update --source osv:npm,alpine-secdb:v3.18,debian-tracker
  portcullis db update --mirror https://mirror.internal/vulndb   # air-gapped mirror
  portcullis db update --sources-file sources.yaml --force
  portcullis db update --db postgres://updater@db.internal/portcullis -q   # the shared database`,
    )
    .action(
      async (
        flags: DbFlags & {
          source: string;
          mirror?: string;
          sourcesFile?: string;
          force?: boolean;
          retries: number;
        },
      ) => {
        if (!Number.isInteger(flags.retries) || flags.retries < 0)
          throw new UsageError("--retries must be a whole number ≥ 0");
        let sources: UpdateSource[];
        try {
          let all = defaultSources();
          if (flags.sourcesFile) all = readSourcesFile(flags.sourcesFile, all).sources;
          sources = selectSources(all, flags.source);
          const mirror = flags.mirror ?? process.env.PORTCULLIS_DB_MIRROR;
          if (mirror) {
            if (!/^https?:\/\//.test(mirror))
              throw new UsageError(`--mirror must be an http(s) URL, got ${mirror}`);
            sources = applyMirror(sources, mirror);
          }
        } catch (err) {
          throw cliError(err);
        }
        const bar = await progress(flags.quiet);
        await withDb(flags, true, async (store) => {
          try {
            const r = await updateDb(store, sources, {
              download: { retries: flags.retries },
              ...(flags.force ? { force: true } : {}),
              ...(bar ? { onProgress: bar.update } : {}),
              onSource: (src, outcome) => {
                bar?.stop();
                if (!flags.quiet && !bar)
                  process.stderr.write(
                    `${src.id}: ${outcome === "not-modified" ? "unchanged" : "downloaded"}\n`,
                  );
              },
            });
            printWarnings(r.warnings, flags.quiet);
            if (!flags.quiet) {
              for (const f of r.feeds) process.stdout.write(`${f.feed}: ${f.records} records\n`);
              for (const id of r.unchanged) process.stdout.write(`${id}: unchanged\n`);
              process.stdout.write(
                `updated ${r.feeds.length} sources (${r.records} records), ${r.unchanged.length} unchanged, in ${store.location}\n`,
              );
            }
          } finally {
            bar?.stop();
          }
        });
      },
    );

  db.command("export")
    .description(
      "write the whole database to one file, importable with 'db import FILE' (air-gapped networks)",
    )
    .argument("<file>", "output file (an SQLite database)")
    .option("--db <location>", DB_OPTION_HELP)
    .option("-q, --quiet", "no summary")
    .addHelpText(
      "after",
      `
The copy is one self-contained SQLite file (written under a temporary name, then renamed); it
keeps every source's URL and update time, so 'db status' on the other side shows its real age.

Examples:
  portcullis db export vuln-db.sqlite
  portcullis db export vuln-db.sqlite --db postgres://scanner@db.internal/portcullis
  portcullis db import vuln-db.sqlite --db /srv/portcullis/vuln.db   # on the air-gapped side`,
    )
    .action(async (file: string, flags: DbFlags) => {
      await withDb(flags, false, async (store) => {
        const r = await exportDb(store, file);
        if (!flags.quiet)
          process.stdout.write(`wrote ${r.records} records from ${r.sources} sources to ${file}\n`);
      });
    });

  db.command("status")
    .description("sources, record counts per ecosystem, last update and schema version")
    .option("--db <location>", DB_OPTION_HELP)
    .addOption(
      new Option("-f, --format <format>", "output format (default: table on a TTY, json otherwise)").choices([
        "table",
        "json",
      ]),
    )
    .option(
      "--stale-after <days>",
      `warn when the last update is older than this (default ${DEFAULT_STALE_AFTER_DAYS})`,
      positiveNumber,
    )
    .option("--sources-file <file>", "read staleAfterDays from this sources file")
    .option("-q, --quiet", "no stale-data warning on stderr (the JSON still carries it)")
    .addHelpText(
      "after",
      `
A database older than the threshold is not an error: the warning is printed (and is the
"warning" field of the JSON) and the exit code stays 0.

Examples:
  portcullis db status
  portcullis db status -f json | jq .updatedAt
  portcullis db status --stale-after 1 --db postgres://scanner@db.internal/portcullis`,
    )
    .action(
      async (flags: DbFlags & { format?: "table" | "json"; staleAfter?: number; sourcesFile?: string }) => {
        const format = flags.format ?? (process.stdout.isTTY ? "table" : "json");
        let staleAfter = flags.staleAfter;
        if (staleAfter === undefined && flags.sourcesFile) {
          try {
            staleAfter = readSourcesFile(flags.sourcesFile, []).staleAfterDays;
          } catch (err) {
            throw cliError(err);
          }
        }
        await withDb(flags, false, async (store) => {
          const status = await store.status();
          const warning = staleWarning(status, staleAfter ?? DEFAULT_STALE_AFTER_DAYS);
          if (format === "json") {
            process.stdout.write(
              `${JSON.stringify({ ...status, ...(warning ? { warning } : {}) }, null, 2)}\n`,
            );
            if (warning && !flags.quiet) process.stderr.write(`warning: ${warning}\n`);
          } else process.stdout.write(statusTable(status, warning));
        });
      },
    );
}
