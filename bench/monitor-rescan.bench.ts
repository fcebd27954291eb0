/**
 * `monitor` after a database update: 1,000 stored SBOMs matched again (no image pull). The SBOMs
 * are the registry test environment's real catalogs (debian:bookworm, alpine:3.18, app:1.0), each
 * stored 333 or 334 times under its own digest with a different ~10% of its packages left out. The
 * database starts with the distro feeds of the shared vectors; the update (a local HTTP server
 * serving the shared OSV records as one all.zip, through src/vulndb's update) adds the language
 * data, so every SBOM gains findings. Goal: rescan under 60 s.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { VulnerabilityScanner } from "../src/audit/image-scanner.js";
import { catalogImage } from "../src/catalog/index.js";
import type { KubeClient } from "../src/cluster/client.js";
import { updateVulnerabilityDb } from "../src/monitor/db-update.js";
import { createMonitorMetrics } from "../src/monitor/metrics.js";
import { Monitor } from "../src/monitor/monitor.js";
import { openResultStore } from "../src/monitor/store.js";
import { parsePolicy } from "../src/policy/load.js";
import { digestOf, TEST_POLICY } from "../test/audit/cluster-fixture.js";
import { buildDb } from "../test/audit/scan-fixture.js";
import { registryEnv } from "../test/support/registry-env.js";
import { vectorPath } from "../test/support/shared.js";
import { buildZip } from "../test/vulndb/zip-writer.js";

const SBOMS = 1000;

export default async function bench(): Promise<void> {
  const env = registryEnv;
  const records = vectorPath("osv", "records");
  if (!env || !records) {
    console.log("  skipped: needs the registry test environment and the shared vectors (PORTCULLIS_SHARED)");
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), "portcullis-bench-rescan-"));
  const zip = buildZip(
    readdirSync(records, { recursive: true, encoding: "utf8" })
      .filter((f) => f.endsWith(".json"))
      .map((f) => ({ name: f.replace(/.*\//, ""), data: readFileSync(join(records, f)) })),
  );
  const server = createServer((_req, res) => res.writeHead(200, { "content-length": zip.length }).end(zip));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/osv/all.zip`;
  try {
    const db = (await buildDb(dir, "vuln.db", true)) as string;
    const catalogs = await Promise.all(
      ["debian:bookworm", "alpine:3.18", "app:1.0"].map((n) => catalogImage(`${env.plain}/portcullis/${n}`)),
    );
    const store = await openResultStore(join(dir, "results.db"));
    let packages = 0;
    for (let i = 0; i < SBOMS; i++) {
      const base = catalogs[i % catalogs.length] as (typeof catalogs)[number];
      const kept = base.packages.filter((_p, k) => (k * 7 + i) % 10 !== 0);
      packages += kept.length;
      await store.record({
        digest: digestOf(`bench-image-${i}`),
        repository: `registry.example/team-${i % 20}/app-${i}`,
        scannedAt: new Date("2026-12-01T00:00:00Z"),
        sbom: { ...base, packages: kept },
        vulnerabilities: [],
      });
    }
    const scanner = await VulnerabilityScanner.open({ dbLocation: db, sbomCache: false });
    const logs: Record<string, unknown>[] = [];
    const m = new Monitor({
      client: {} as KubeClient,
      policy: parsePolicy(TEST_POLICY, "policy.yaml"),
      store,
      scanner,
      metrics: createMonitorMetrics(),
      policyReports: false,
      dbUpdate: {
        intervalMs: 3_600_000,
        update: async () =>
          (await updateVulnerabilityDb(db, [{ id: "osv:bench", url, importer: "osv-zip" }])).changed,
      },
      log: (e) => logs.push(e),
    });
    const t0 = performance.now();
    await m.updateDatabase();
    const total = performance.now() - t0;
    const rescan = logs.find((l) => l.msg === "stored SBOMs rescanned")?.ms as number | undefined;
    let findings = 0;
    for (const d of (await store.sbomDigests()).slice(0, 3)) {
      const r = await store.lookup(d.digest);
      if (r.state === "scanned") findings += r.vulnerabilities.length;
    }
    console.log(
      `  monitor rescan: ${m.rescans} stored SBOMs (${packages} packages) matched again in ${((rescan ?? total) / 1000).toFixed(2)} s` +
        ` (${((rescan ?? total) / Math.max(1, m.rescans)).toFixed(1)} ms each; goal < 60 s; load ${loadavg()[0]?.toFixed(1)})`,
    );
    console.log(
      `  with the update (download + import of ${zip.length} bytes): ${(total / 1000).toFixed(2)} s; findings in the first 3 images after: ${findings}`,
    );
    await m.stop();
    await scanner.close();
    await store.close();
  } finally {
    server.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
