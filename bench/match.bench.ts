/**
 * Matching speed: 1,000 packages of an npm-heavy application image (850 npm, 80 PyPI, 50 Go,
 * 20 Maven) matched against a warm store holding the shared OSV sample plus 6,000 generated
 * records shaped like GHSA's (several ranges, aliases, CVSS vectors) over the same package names,
 * so about a third of the packages have candidate records. Figures for the in-memory store, SQLite
 * and, when PostgreSQL is installed, a throwaway cluster on a Unix socket. Prints; asserts nothing.
 * Goals (issue 11): SQLite under 20 ms, PostgreSQL under 100 ms. Wall-clock figures on a loaded
 * machine mislead, so the CPU time this process spent per match is printed beside them.
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

async function time(label: string, store: VulnStore, pkgs: Package[]): Promise<void> {
  let found = 0;
  for (let i = 0; i < 5; i++) found = (await matchPackages(store, { packages: pkgs })).vulnerabilities.length;
  const runs: number[] = [];
  const cpu0 = process.cpuUsage();
  const N = 30;
  for (let i = 0; i < N; i++) {
    const t = process.hrtime.bigint();
    await matchPackages(store, { packages: pkgs });
    runs.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  const cpu = process.cpuUsage(cpu0);
  const cpuMs = (cpu.user + cpu.system) / 1000 / N;
  runs.sort((a, b) => a - b);
  const median = runs[Math.floor(runs.length / 2)];
  const p95 = runs[Math.floor(runs.length * 0.95)];
  console.log(
    `  ${label.padEnd(11)} ${pkgs.length} packages → ${found} matches: median ${median.toFixed(1)} ms, p95 ${p95.toFixed(1)} ms, this process's CPU ${cpuMs.toFixed(1)} ms/match`,
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

    const sqlite = await openVulnStore(join(tmp, "vuln.db"), { write: true });
    await importFeeds(sqlite, feeds);
    await time("SQLite", sqlite, pkgs);
    await sqlite.close();

    const cluster = startPostgres();
    if (!cluster) {
      console.log("  PostgreSQL  skipped (not installed)");
      return;
    }
    try {
      const pg = await openVulnStore(cluster.createDatabase("match_bench"), { write: true });
      await importFeeds(pg, feeds);
      await time("PostgreSQL", pg, pkgs);
      await pg.close();
    } finally {
      cluster.stop();
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}
