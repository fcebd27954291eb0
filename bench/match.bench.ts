/**
 * Matching speed: 1,000 packages of an npm-heavy application image (850 npm, 80 PyPI, 50 Go,
 * 20 Maven) matched against a warm store holding the shared OSV sample plus 2,345 generated
 * records shaped like GHSA's (several ranges, aliases, CVSS vectors) over the same package names,
 * so about a third of the packages have candidate records. Figures for the in-memory store, SQLite
 * and, when PostgreSQL is installed, a throwaway cluster on a Unix socket. Prints; asserts nothing.
 * Goals (issue 11): SQLite under 20 ms, PostgreSQL under 100 ms. Each database is measured twice
 * in the same run, alternating: before (./match-baseline.ts: the schema-1 look-up that joined and
 * parsed every record body on every look-up) and now (the stores' look-up cache), plus the first
 * match on a freshly opened store. Wall-clock figures on a loaded machine mislead, so the CPU time
 * this process spent per match is printed beside them.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Package, PackageType } from "../src/catalog/types.js";
import { matchPackages } from "../src/scan/match/index.js";
import { importFeeds, openVulnStore } from "../src/vulndb/index.js";
import type { OsvRecord, VulnStore } from "../src/vulndb/types.js";
import { MemoryVulnStore } from "../test/support/memory-vuln-store.js";
import { startPostgres } from "../test/support/postgres.js";
import { vectorPath } from "../test/support/shared.js";
import { PostgresBaseline, SqliteBaseline } from "./match-baseline.js";

const MIX: [PackageType, string, number][] = [
  ["npm", "npm", 850],
  ["pypi", "PyPI", 80],
  ["golang", "Go", 50],
  ["maven", "Maven", 20],
];

function nameOf(type: PackageType, i: number): string {
  if (type === "npm") return i % 7 === 0 ? `@scope${i % 13}/pkg-${i}` : `pkg-${i}`;
  if (type === "pypi") return `Py_Package.${i}`;
  if (type === "golang") return `github.com/org${i % 9}/mod${i}`;
  return `org.example${i % 5}:artifact-${i}`;
}

export function packages(): Package[] {
  const out: Package[] = [];
  for (const [type, , n] of MIX) {
    for (let i = 0; i < n; i++) {
      const name = nameOf(type, i);
      const version = type === "golang" ? `v1.${i % 20}.${i % 7}` : `${1 + (i % 4)}.${i % 20}.${i % 7}`;
      const [group, artifact] = type === "maven" ? name.split(":") : [];
      out.push({
        name: artifact ?? name,
        version,
        type,
        purl: `pkg:${type}/${name}@${version}`,
        licenses: [],
        locations: [{ path: "/app/package-lock.json" }],
        foundBy: "bench",
        ...(group ? { metadata: { groupId: group } } : {}),
      });
    }
  }
  return out;
}

export function generated(): OsvRecord[] {
  const out: OsvRecord[] = [];
  let n = 0;
  for (const [type, ecosystem, count] of MIX) {
    for (let i = 0; i < count; i += 3) {
      for (let k = 0; k < 7; k++) {
        n++;
        out.push({
          id: `GHSA-bench-${n}`,
          modified: "2026-01-01T00:00:00Z",
          aliases: [`CVE-2026-${10000 + n}`],
          severity: [{ type: "CVSS_V3", score: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N" }],
          database_specific: { severity: "HIGH" },
          affected: [
            {
              package: { ecosystem, name: nameOf(type, i) },
              ranges: [
                {
                  type: type === "golang" ? "SEMVER" : "ECOSYSTEM",
                  events: [
                    { introduced: "0" },
                    { fixed: `1.${k}.0` },
                    { introduced: `2.${k}.0` },
                    { fixed: `2.${k + 1}.3` },
                    { introduced: `3.0.0` },
                    { fixed: `3.${k}.5` },
                  ],
                },
              ],
            },
          ],
        });
      }
    }
  }
  return out;
}

interface Figures {
  found: number;
  median: number;
  p95: number;
  cpu: number;
}

function summarise(found: number, runs: number[], cpu: number[]): Figures {
  const sorted = [...runs].sort((a, b) => a - b);
  return {
    found,
    median: sorted[Math.floor(sorted.length / 2)] ?? 0,
    p95: sorted[Math.floor(sorted.length * 0.95)] ?? 0,
    cpu: cpu.reduce((a, b) => a + b, 0) / cpu.length,
  };
}

async function once(store: VulnStore, pkgs: Package[]): Promise<{ found: number; ms: number; cpu: number }> {
  const cpu0 = process.cpuUsage();
  const t = process.hrtime.bigint();
  const found = (await matchPackages(store, { packages: pkgs })).vulnerabilities.length;
  const ms = Number(process.hrtime.bigint() - t) / 1e6;
  const cpu = process.cpuUsage(cpu0);
  return { found, ms, cpu: (cpu.user + cpu.system) / 1000 };
}

function line(label: string, what: string, n: number, f: Figures): void {
  console.log(
    `  ${label.padEnd(11)} ${what.padEnd(44)} ${n} packages → ${f.found} matches: median ${f.median.toFixed(1)} ms, p95 ${f.p95.toFixed(1)} ms, this process's CPU ${f.cpu.toFixed(1)} ms/match`,
  );
}

/**
 * Warm matches on `store`, and when a baseline is given, on it too, alternating run by run so
 * both see the same machine load. The first match on `store` is printed apart: it fills the
 * store's look-up cache, as the one match of a `portcullis scan` process does.
 */
async function time(label: string, store: VulnStore, pkgs: Package[], baseline?: VulnStore): Promise<void> {
  const first = await once(store, pkgs);
  if (baseline) {
    const f = await once(baseline, pkgs);
    if (f.found !== first.found)
      console.log(`  ${label}: baseline found ${f.found} matches, now ${first.found}!`);
  }
  for (let i = 0; i < 5; i++) {
    await once(store, pkgs);
    if (baseline) await once(baseline, pkgs);
  }
  const N = 30;
  const now = { runs: [] as number[], cpu: [] as number[] };
  const before = { runs: [] as number[], cpu: [] as number[] };
  for (let i = 0; i < N; i++) {
    const a = await once(store, pkgs);
    now.runs.push(a.ms);
    now.cpu.push(a.cpu);
    if (!baseline) continue;
    const b = await once(baseline, pkgs);
    before.runs.push(b.ms);
    before.cpu.push(b.cpu);
  }
  if (baseline)
    line(
      label,
      "before (bodies parsed on every look-up)",
      pkgs.length,
      summarise(first.found, before.runs, before.cpu),
    );
  line(
    label,
    baseline ? "now, warm (records remembered)" : "warm",
    pkgs.length,
    summarise(first.found, now.runs, now.cpu),
  );
  if (baseline)
    line(
      label,
      "now, first match on a freshly opened store",
      pkgs.length,
      summarise(first.found, [first.ms], [first.cpu]),
    );
}

export default async function bench(): Promise<void> {
  const tmp = mkdtempSync(join(tmpdir(), "portcullis-match-bench-"));
  try {
    const records = generated();
    const dir = join(tmp, "records");
    mkdirSync(dir);
    for (const r of records) writeFileSync(join(dir, `${r.id}.json`), JSON.stringify(r));
    const feeds = [dir, vectorPath("osv", "records")].filter((p): p is string => p !== undefined);
    const pkgs = packages();

    const memory = new MemoryVulnStore();
    for (const r of records) memory.add(r);
    await time("memory", memory, pkgs);

    const dbFile = join(tmp, "vuln.db");
    const writer = await openVulnStore(dbFile, { write: true });
    await importFeeds(writer, feeds);
    await writer.close();
    const sqlite = await openVulnStore(dbFile);
    const sqliteBefore = new SqliteBaseline(sqlite, dbFile);
    await time("SQLite", sqlite, pkgs, sqliteBefore);
    await sqliteBefore.close();
    await sqlite.close();

    const cluster = startPostgres();
    if (!cluster) {
      console.log("  PostgreSQL  skipped (not installed)");
      return;
    }
    try {
      const url = cluster.createDatabase("match_bench");
      const writerPg = await openVulnStore(url, { write: true });
      await importFeeds(writerPg, feeds);
      await writerPg.close();
      const pg = await openVulnStore(url);
      const pgBefore = new PostgresBaseline(pg, url);
      await time("PostgreSQL", pg, pkgs, pgBefore);
      await pgBefore.close();
      await pg.close();
    } finally {
      cluster.stop();
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
