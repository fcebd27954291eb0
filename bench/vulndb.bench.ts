/**
 * Vulnerability database: import speed (records/s) and database size for the shared OSV sample
 * and for a generated corpus shaped like osv.dev's records (several ecosystems, ranges, aliases,
 * CVSS vectors, references), peak RSS of that import (run in a child process so it is measured
 * alone; goal < 500 MiB), and a look-up of 1,000 npm package names on SQLite and on a throwaway
 * PostgreSQL: before (the schema-1 look-up, ./match-baseline.ts) and now (first and repeated),
 * measured in the same run. The corpus has 500,000 records; set PORTCULLIS_VULNDB_BENCH_RECORDS to
 * run a smaller one (e.g. 50000 for a quick run). Prints figures; asserts nothing.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { VulnImporter } from "../src/vulndb/importers/types.js";
import {
  importFeeds,
  importPrepared,
  type OsvRecord,
  openVulnStore,
  type VulnDb,
  type VulnStore,
} from "../src/vulndb/index.js";
import { startPostgres } from "../test/support/postgres.js";
import { sharedDir } from "../test/support/shared.js";
import { PostgresBaseline, SqliteBaseline } from "./match-baseline.js";

const CHILD = process.env.PORTCULLIS_VULNDB_BENCH_CHILD;
const CORPUS = Number(process.env.PORTCULLIS_VULNDB_BENCH_RECORDS ?? 500_000);

const ECOSYSTEMS: [string, number][] = [
  ["npm", 0.4],
  ["PyPI", 0.15],
  ["Maven", 0.1],
  ["Go", 0.1],
  ["Debian:12", 0.15],
  ["Alpine:v3.18", 0.1],
];

/** A deterministic pseudo-random generator (mulberry32), so runs compare. */
function rng(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function pickEcosystem(r: number): string {
  let acc = 0;
  for (const [e, w] of ECOSYSTEMS) {
    acc += w;
    if (r < acc) return e;
  }
  return "npm";
}

/** Package names per ecosystem: a pool of count/8 names, so most packages have several records. */
export function packageName(ecosystem: string, k: number): string {
  switch (ecosystem) {
    case "Maven":
      return `org.example.group${k % 97}:artifact-${k}`;
    case "Go":
      return `github.com/example${k % 89}/module-${k}`;
    case "PyPI":
      return `Py_Package.${k}`;
    default:
      return `package-${k}`;
  }
}

function* corpus(count: number): Generator<OsvRecord> {
  const rand = rng(42);
  const pool = Math.max(100, Math.floor(count / 8));
  const text =
    "A crafted request can make the parser read past the end of its buffer, which leads to ".repeat(3);
  for (let i = 0; i < count; i++) {
    const affected = [];
    const nAffected = 1 + Math.floor(rand() * 2.2);
    for (let j = 0; j < nAffected; j++) {
      const eco = pickEcosystem(rand());
      const ranges = [];
      const nRanges = 1 + Math.floor(rand() * 1.8);
      for (let k = 0; k < nRanges; k++) {
        const major = Math.floor(rand() * 9);
        const fixed = eco.startsWith("Debian")
          ? `${major}.${k}.1-1+deb12u1`
          : eco.startsWith("Alpine")
            ? `${major}.${k}.1-r2`
            : `${major}.${k}.1`;
        ranges.push({
          type: eco === "Go" ? "SEMVER" : "ECOSYSTEM",
          events: [{ introduced: k === 0 ? "0" : `${major}.${k}.0` }, { fixed }],
        });
      }
      affected.push({
        package: { ecosystem: eco, name: packageName(eco, Math.floor(rand() * pool)) },
        ranges,
      });
    }
    const year = 2015 + (i % 10);
    yield {
      schema_version: "1.6.0",
      id: `GHSA-${i.toString(36).padStart(4, "0")}-bnch-${(i * 7919).toString(36).slice(-4).padStart(4, "x")}`,
      modified: `${year}-06-01T00:00:00Z`,
      published: `${year}-05-01T00:00:00Z`,
      aliases: [`CVE-${year}-${10000 + i}`],
      summary: `Out-of-bounds read in record ${i}`,
      details: text,
      severity: [{ type: "CVSS_V3", score: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H" }],
      affected,
      references: [
        { type: "ADVISORY", url: `https://nvd.nist.gov/vuln/detail/CVE-${year}-${10000 + i}` },
        { type: "WEB", url: `https://github.com/example/project/issues/${i}` },
      ],
      database_specific: { severity: "HIGH", cwe_ids: ["CWE-125"] },
    } as OsvRecord;
  }
}

function corpusImporter(count: number): VulnImporter {
  return {
    id: "bench-corpus",
    describes: "generated corpus",
    detect: () => true,
    *read() {
      // Each record goes through JSON text, as it would from a feed file.
      const records = (function* () {
        for (const r of corpus(count)) yield JSON.parse(JSON.stringify(r)) as OsvRecord;
      })();
      yield { feed: "osv:bench", kind: "osv", mode: "replace" as const, records };
    },
  };
}

export async function importCorpus(db: VulnDb, count: number): Promise<number> {
  const t0 = performance.now();
  await importPrepared(db, [
    {
      input: { path: "", name: "corpus", isDirectory: false, head: Buffer.alloc(0) },
      importer: corpusImporter(count),
    },
  ]);
  return performance.now() - t0;
}

/**
 * 1,000 npm names of which `withData` are in the corpus (the rest are names no record lists, as
 * most packages of a real application are).
 */
function lookupNames(count: number, withData: number): string[] {
  const pool = Math.max(100, Math.floor(count / 8));
  const names: string[] = [];
  for (let i = 0; i < withData; i++) names.push(packageName("npm", Math.floor((i * pool) / withData)));
  for (let i = withData; i < 1000; i++) names.push(`unlisted-package-${i}`);
  return names;
}

function median(xs: number[]): number {
  const sorted = [...xs].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? 0;
}

/**
 * A look-up of `names` before (./match-baseline.ts: every body joined and parsed on every
 * look-up) and now, in the same run: each on a freshly opened connection, its first look-up
 * (what the one match of a `portcullis scan` process costs) and then the look-up repeated (a
 * webhook or `check` scanning image after image), alternating so both see the same load.
 */
async function timeLookup(
  openNow: () => Promise<VulnStore>,
  openBefore: () => VulnStore,
  names: string[],
): Promise<{ before: [number, number]; now: [number, number]; hits: number }> {
  const before = openBefore();
  const now = await openNow();
  let t = performance.now();
  await before.lookup("npm", names);
  const beforeFirst = performance.now() - t;
  let hits = 0;
  t = performance.now();
  for (const list of (await now.lookup("npm", names)).values()) hits += list.length;
  const nowFirst = performance.now() - t;
  const a: number[] = [];
  const b: number[] = [];
  for (let i = 0; i < 15; i++) {
    t = performance.now();
    await before.lookup("npm", names);
    a.push(performance.now() - t);
    t = performance.now();
    await now.lookup("npm", names);
    b.push(performance.now() - t);
  }
  await before.close();
  await now.close();
  return { before: [beforeFirst, median(a)], now: [nowFirst, median(b)], hits };
}

function lookupLine(backend: string, withData: number, t: Awaited<ReturnType<typeof timeLookup>>): void {
  const f = ([first, repeated]: [number, number]) =>
    `first ${first.toFixed(1)} ms, repeated ${repeated.toFixed(1)} ms median`;
  console.log(
    `  lookup 1,000 npm names (${withData} with records, ${t.hits} records), ${backend}: before ${f(t.before)}; now ${f(t.now)}`,
  );
}

const mib = (bytes: number) => (bytes / (1 << 20)).toFixed(1);
const fileSize = (p: string) => statSync(p).size;

/** Child mode: import the corpus into SQLite and report time and peak RSS as JSON. */
async function child(dbPath: string, count: number): Promise<void> {
  const db = await openVulnStore(dbPath, { write: true });
  const ms = await importCorpus(db, count);
  await db.close();
  process.stdout.write(`${JSON.stringify({ ms, maxRssKb: process.resourceUsage().maxRSS })}\n`);
}

export default async function bench(): Promise<void> {
  const tmp = mkdtempSync(join(tmpdir(), "portcullis-vulndb-bench-"));
  try {
    // 1. The shared OSV sample.
    const osvDir = sharedDir ? join(sharedDir, "vectors", "osv", "records") : undefined;
    if (osvDir) {
      const p = join(tmp, "sample.db");
      const db = await openVulnStore(p, { write: true });
      const t0 = performance.now();
      const s = await importFeeds(db, [osvDir]);
      const ms = performance.now() - t0;
      await db.close();
      console.log(
        `  import shared OSV sample: ${s.records} records in ${ms.toFixed(0)} ms (${Math.round((s.records / ms) * 1000)} records/s), database ${mib(fileSize(p))} MiB`,
      );
    } else console.log("  import shared OSV sample: skipped (../shared/vectors not found)");

    // 2. The generated corpus, in a child process for its peak RSS.
    const big = join(tmp, "corpus.db");
    const run = spawnSync(process.execPath, ["--import", "tsx", fileURLToPath(import.meta.url)], {
      env: { ...process.env, PORTCULLIS_VULNDB_BENCH_CHILD: `${big}|${CORPUS}` },
      encoding: "utf8",
      maxBuffer: 1 << 20,
    });
    if (run.status !== 0) throw new Error(`corpus import failed: ${run.stderr.slice(-2000)}`);
    const res = JSON.parse(run.stdout.trim().split("\n").pop() ?? "{}") as { ms: number; maxRssKb: number };
    console.log(
      `  import generated corpus (SQLite): ${CORPUS} records in ${(res.ms / 1000).toFixed(1)} s (${Math.round((CORPUS / res.ms) * 1000)} records/s), database ${mib(fileSize(big))} MiB, peak RSS ${(res.maxRssKb / 1024).toFixed(0)} MiB (goal < 500 MiB)`,
    );

    // 3. Look-up of 1,000 npm names on SQLite (file pages warm), before and now.
    const sqlite = await openVulnStore(big);
    for (const withData of [100, 1000])
      lookupLine(
        "SQLite",
        withData,
        await timeLookup(
          () => openVulnStore(big),
          () => new SqliteBaseline(sqlite, big),
          lookupNames(CORPUS, withData),
        ),
      );
    await sqlite.close();

    // 4. The same on PostgreSQL (a smaller corpus: importing is not what is measured here).
    const cluster = startPostgres();
    if (!cluster) console.log("  PostgreSQL: skipped (not installed)");
    else
      try {
        const pgCount = Math.min(CORPUS, 100_000);
        const db = await openVulnStore(cluster.url, { write: true });
        const ms = await importCorpus(db, pgCount);
        console.log(
          `  import generated corpus (PostgreSQL, Unix socket): ${pgCount} records in ${(ms / 1000).toFixed(1)} s (${Math.round((pgCount / ms) * 1000)} records/s)`,
        );
        for (const withData of [100, 1000])
          lookupLine(
            "PostgreSQL",
            withData,
            await timeLookup(
              () => openVulnStore(cluster.url),
              () => new PostgresBaseline(db, cluster.url),
              lookupNames(pgCount, withData),
            ),
          );
        await db.close();
      } finally {
        cluster.stop();
      }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

if (CHILD) {
  const [dbPath, count] = CHILD.split("|");
  await child(dbPath as string, Number(count));
}
