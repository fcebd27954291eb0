/**
 * The monitor with the real scanner: the registry test environment's images running in the API
 * test server's pods are scanned once each (SBOM and results kept in the store), PolicyReports
 * carry the vulnerability results, and a scheduled `db update` (from a local HTTP server standing
 * in for osv.dev, with ETags) that brings a new critical advisory for express 4.17.1 makes the
 * monitor match the stored SBOMs again without reading the images and raise a Warning Event on
 * each workload running app:1.0 (the critical found at start raises none). An unchanged source
 * (304) rescans nothing. With a postgres://
 * --db, the scan results live in the same PostgreSQL database and audit reads them there.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { VulnerabilityScanner } from "../../src/audit/image-scanner.js";
import { catalogImage } from "../../src/catalog/index.js";
import { KubeClient } from "../../src/cluster/client.js";
import { connect } from "../../src/cluster/connection.js";
import { updateVulnerabilityDb } from "../../src/monitor/db-update.js";
import { createMonitorMetrics } from "../../src/monitor/metrics.js";
import { Monitor } from "../../src/monitor/monitor.js";
import { openResultStore } from "../../src/monitor/store.js";
import { parsePolicy } from "../../src/policy/load.js";
import { importFeeds, openVulnStore } from "../../src/vulndb/index.js";
import { buildDb, envDigest, scanCluster, scanPolicy } from "../audit/scan-fixture.js";
import { sharedFeeds } from "../scan/support.js";
import { runCli } from "../support/cli.js";
import { type KubeApiServer, startKubeApiServer } from "../support/kube-api-server.js";
import { skipReason, startPostgres } from "../support/postgres.js";
import { registryEnv, SKIP_NO_REGISTRY_ENV } from "../support/registry-env.js";
import { SKIP_NO_SHARED } from "../support/shared.js";
import { buildZip, osvRecord } from "../vulndb/zip-writer.js";

const env = registryEnv;
const skip = !env ? SKIP_NO_REGISTRY_ENV : !sharedFeeds() ? SKIP_NO_SHARED : false;
const ADVISORY = "GHSA-p0rt-cu11-1501";

describe("portcullis monitor scans, updates the database and rescans stored SBOMs", { skip }, () => {
  const dir = mkdtempSync(join(tmpdir(), "portcullis-monitor-scan-"));
  let api: KubeApiServer;
  let client: KubeClient;
  let feed: Server;
  let feedUrl = "";
  const served: number[] = [];
  before(async () => {
    if (!env) return;
    api = await startKubeApiServer({ objects: scanCluster(env) });
    client = new KubeClient(await connect({ kubeconfig: api.kubeconfigFile }));
    const zip = buildZip([
      {
        name: `${ADVISORY}.json`,
        data: JSON.stringify(
          osvRecord(ADVISORY, "npm", "express", "4.99.0", {
            summary: "test advisory: express before 4.99.0",
            severity: [{ type: "CVSS_V3", score: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H" }],
          }),
        ),
      },
    ]);
    feed = createServer((req, res) => {
      if (req.headers["if-none-match"] === '"v1"') {
        served.push(304);
        res.writeHead(304).end();
        return;
      }
      served.push(200);
      res.writeHead(200, { "content-length": zip.length, etag: '"v1"' }).end(zip);
    });
    await new Promise<void>((r) => feed.listen(0, "127.0.0.1", r));
    feedUrl = `http://127.0.0.1:${(feed.address() as AddressInfo).port}/osv/npm/all.zip`;
  });
  after(async () => {
    client?.close();
    await api?.close();
    await new Promise((r) => feed?.close(r));
    rmSync(dir, { recursive: true, force: true });
  });

  test("new digests scanned once, PolicyReports with vulnerabilities, update → rescan → Event", async () => {
    if (!env) return;
    const db = (await buildDb(dir, "vuln.db")) as string;
    const reads: string[] = [];
    const scanner = await VulnerabilityScanner.open({
      dbLocation: db,
      sbomCache: false,
      catalog: (image) => {
        reads.push(image);
        return catalogImage(image);
      },
    });
    const store = await openResultStore(join(dir, "results.db"));
    const metrics = createMonitorMetrics();
    const logs: Record<string, unknown>[] = [];
    const m = new Monitor({
      client,
      policy: parsePolicy(scanPolicy(env), "policy.yaml"),
      store,
      scanner,
      metrics,
      debounceMs: 20,
      dbUpdate: {
        intervalMs: 3_600_000,
        update: async () =>
          (await updateVulnerabilityDb(db, [{ id: "osv:npm", url: feedUrl, importer: "osv-zip" }])).changed,
      },
      log: (e) => logs.push(e),
    });
    const app = envDigest(env, "app:1.0");
    try {
      await m.start();
      await m.idle();
      assert.equal(reads.length, 2, "two distinct digests, each read once");
      assert.equal(m.scans, 2);
      assert.ok(await store.storedSbom(app), "the SBOM is kept");
      const shop = api.get("PolicyReport", "shop", "portcullis") as {
        results: { policy: string; rule: string; result: string; severity?: string }[];
      };
      const vulnRules = shop.results.filter((r) => r.policy === "vulnerabilities");
      assert.ok(vulnRules.some((r) => r.rule === "CVE-2021-44906" && r.result === "fail"));
      const eventsBefore = api.list("Event", "shop").length + api.list("Event", "batch").length;
      assert.equal(eventsBefore, 0, "minimist's critical was there when the monitor started: no news");
      let text = await metrics.registry.metrics();
      assert.match(text, /portcullis_monitor_images\{severity="critical"\} 1/);
      assert.match(text, /portcullis_monitor_images\{severity="low"\} 1/);
      assert.match(text, /portcullis_monitor_database_age_seconds \d/);
      assert.match(text, /portcullis_monitor_scan_duration_seconds_count 2/);

      await m.updateDatabase();
      assert.equal(m.rescans, 2, "both stored SBOMs matched again");
      assert.equal(reads.length, 2, "no image read again");
      assert.equal(api.list("Event", "shop").length, 1, "only the gained critical is raised");
      const fresh = api
        .list("Event", "shop")
        .filter((e) => String(e.message).includes(ADVISORY))
        .map((e) => [e.reason, e.type, (e.involvedObject as { name: string }).name]);
      assert.deepEqual(fresh, [["NewCriticalVulnerability", "Warning", "api"]]);
      assert.equal(api.list("Event", "batch").filter((e) => String(e.message).includes(ADVISORY)).length, 1);
      assert.ok(
        logs.some((l) => l.msg === "new critical finding on a running image" && l.ids === ADVISORY),
        "and a log line",
      );
      const after = await store.lookup(app);
      assert.equal(
        after.state === "scanned" && after.vulnerabilities.find((v) => v.id === ADVISORY)?.severity,
        "critical",
      );
      text = await metrics.registry.metrics();
      assert.match(text, /portcullis_monitor_rescan_duration_seconds_count 2/);
      assert.match(text, /portcullis_monitor_new_critical_findings_total 1/);

      // The source has not changed: a 304, nothing rescanned.
      await m.updateDatabase();
      assert.deepEqual(served, [200, 304]);
      assert.equal(m.rescans, 2);
    } finally {
      await m.stop();
      await store.close();
      await scanner.close();
    }
  });

  test("a stored result older than the database is matched again from its SBOM at start (no read)", async () => {
    if (!env) return;
    const db = (await buildDb(dir, "restart.db")) as string;
    const app = envDigest(env, "app:1.0");
    const store = await openResultStore(join(dir, "restart-results.db"));
    await store.record({
      digest: app,
      repository: `${env.plain}/portcullis/app`,
      scannedAt: new Date("2026-01-01T00:00:00Z"),
      sbom: await catalogImage(`${env.plain}/portcullis/app@${app}`),
      vulnerabilities: [],
    });
    const reads: string[] = [];
    const scanner = await VulnerabilityScanner.open({
      dbLocation: db,
      sbomCache: false,
      catalog: (image) => {
        reads.push(image);
        return catalogImage(image);
      },
    });
    const m = new Monitor({
      client,
      policy: parsePolicy(scanPolicy(env), "policy.yaml"),
      store,
      scanner,
      metrics: createMonitorMetrics(),
      policyReports: false,
      log: () => {},
    });
    try {
      await m.start();
      await m.idle();
      assert.deepEqual(reads, [`${env.plain}/portcullis/alpine@${envDigest(env, "alpine:3.18")}`]);
      const now = await store.lookup(app);
      assert.equal(now.state === "scanned" && now.vulnerabilities.length, 60);
      assert.equal(m.scans, 2);
      // app:1.0 had a stored scan without minimist's critical: gained, so raised on its workloads.
      const minimist = (ns: string) =>
        api
          .list("Event", ns)
          .filter(
            (e) =>
              String(e.message).startsWith("new critical finding:") &&
              String(e.message).endsWith("CVE-2021-44906"),
          )
          .map((e) => (e.involvedObject as { name: string }).name);
      assert.deepEqual([...minimist("shop"), ...minimist("batch")], ["api", "report"]);
      await m.reconcile();
      assert.equal(m.scans, 2, "once per database version");
    } finally {
      await m.stop();
      await store.close();
      await scanner.close();
    }
  });

  test("the CLI: monitor --once scans with --db and keeps results and SBOMs in --results-db", async () => {
    if (!env) return;
    const db = (await buildDb(dir, "cli.db")) as string;
    const policy = join(dir, "policy.yaml");
    writeFileSync(policy, scanPolicy(env));
    const results = join(dir, "cli-results.db");
    const base = ["monitor", "--kubeconfig", api.kubeconfigFile, "--policy", policy];
    const cliEnv = { env: { XDG_CACHE_HOME: join(dir, "cache") }, timeoutMs: 300_000 };
    const r = await runCli([...base, "--db", db, "--results-db", results, "--once"], cliEnv);
    assert.equal(r.code, 0, r.stderr);
    const store = await openResultStore(results);
    try {
      const app = await store.lookup(envDigest(env, "app:1.0"));
      assert.equal(app.state === "scanned" && app.vulnerabilities.length, 60);
      assert.deepEqual(
        (await store.sbomDigests()).map((d) => d.repository).sort(),
        [`${env.plain}/portcullis/alpine`, `${env.plain}/portcullis/app`],
        "both SBOMs kept",
      );
    } finally {
      await store.close();
    }
    const bad = await runCli([...base, "--db-update-interval", "soon", "--once"], cliEnv);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--db-update-interval: invalid duration "soon"/);
  });

  test("with --db postgres://, vulnerability data and scan results share the PostgreSQL database", async (t) => {
    if (!env) return;
    const cluster = startPostgres();
    if (!cluster) {
      t.skip(skipReason);
      return;
    }
    try {
      const url = cluster.createDatabase("monitor_shared");
      const vulndb = await openVulnStore(url, { write: true });
      try {
        await importFeeds(vulndb, sharedFeeds() as string[]);
      } finally {
        await vulndb.close();
      }
      const policy = join(dir, "pg-policy.yaml");
      writeFileSync(policy, scanPolicy(env));
      const cliEnv = { env: { XDG_CACHE_HOME: join(dir, "pg-cache") }, timeoutMs: 300_000 };
      const base = ["--kubeconfig", api.kubeconfigFile, "--policy", policy, "--db", url];
      const r = await runCli(["monitor", ...base, "--once"], cliEnv);
      assert.equal(r.code, 0, r.stderr);
      const store = await openResultStore(url);
      try {
        const app = await store.lookup(envDigest(env, "app:1.0"));
        assert.equal(app.state === "scanned" && app.vulnerabilities.length, 60);
        assert.equal((await store.sbomDigests()).length, 2);
      } finally {
        await store.close();
      }
      // audit reads the monitor's results from the same database (no scan of its own).
      const a = await runCli(
        ["audit", ...base, "-A", "--no-scan", "-f", "json", "--fail-on", "none"],
        cliEnv,
      );
      assert.equal(a.code, 0, a.stderr);
      const images = (JSON.parse(a.stdout) as { audit: { images: { counts?: unknown }[] } }).audit.images;
      assert.deepEqual(
        images.map((i) => i.counts),
        [
          { critical: 0, high: 0, medium: 0, low: 20 },
          { critical: 1, high: 5, medium: 4, low: 50 },
        ],
      );
    } finally {
      cluster.stop();
    }
  });
});
