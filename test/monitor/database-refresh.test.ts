/**
 * A vulnerability database changed by another process is noticed before the next evaluation:
 * an SQLite file swapped into place (a new inode) is reopened, one updated in place by another
 * replica is re-read, and a `db update` that found its source unchanged (a 304) moves the
 * database's age but not its data. With two monitor replicas, the follower notices the swap,
 * reports the new database age, and once it leads rescans the stored SBOMs the old leader made
 * (no image read) and raises the critical the new data brings. The databases come from an OSV
 * zip served by a local HTTP server with ETags.
 */
import assert from "node:assert/strict";
import { mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { VulnerabilityScanner } from "../../src/audit/image-scanner.js";
import type { CatalogResult } from "../../src/catalog/index.js";
import { KubeClient } from "../../src/cluster/client.js";
import { connect } from "../../src/cluster/connection.js";
import { updateVulnerabilityDb } from "../../src/monitor/db-update.js";
import { createMonitorMetrics } from "../../src/monitor/metrics.js";
import { Monitor } from "../../src/monitor/monitor.js";
import { openResultStore } from "../../src/monitor/store.js";
import { loadPolicyFile } from "../../src/policy/load.js";
import { openVulnStore } from "../../src/vulndb/index.js";
import { digestOf, docsCluster, TEST_POLICY } from "../audit/cluster-fixture.js";
import { type KubeApiServer, startKubeApiServer } from "../support/kube-api-server.js";
import { buildZip, osvRecord } from "../vulndb/zip-writer.js";

const CRITICAL = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H";
const HIGH = "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N";

/** express 4.17.1 before the fixed version, with a CVSS vector that gives its severity. */
function advisory(id: string, vector: string) {
  return {
    name: `${id}.json`,
    data: JSON.stringify(
      osvRecord(id, "npm", "express", "4.99.0", { severity: [{ type: "CVSS_V3", score: vector }] }),
    ),
  };
}

const V1 = [advisory("GHSA-aaaa-aaaa-aaaa", HIGH)];
const V2 = [...V1, advisory("GHSA-bbbb-bbbb-bbbb", CRITICAL)];
const V3 = [...V2, advisory("GHSA-cccc-cccc-cccc", CRITICAL)];

/** A package list with express 4.17.1 (an npm lock entry is all the matcher needs). */
function sbomWithExpress(reference: string): CatalogResult {
  return {
    image: { reference, kind: "registry", layers: [] },
    packages: [
      {
        name: "express",
        version: "4.17.1",
        type: "npm",
        purl: "pkg:npm/express@4.17.1",
        licenses: [],
        locations: [],
        foundBy: "test",
      },
    ],
    errors: [],
  } as unknown as CatalogResult;
}

const dir = mkdtempSync(join(tmpdir(), "portcullis-db-refresh-"));
const policyFile = join(dir, "policy.yaml");
writeFileSync(policyFile, TEST_POLICY);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("a vulnerability database changed by another process", () => {
  let feed: Server;
  let feedUrl = "";
  let serving: { etag: string; zip: Buffer } = { etag: "", zip: Buffer.alloc(0) };
  const served: number[] = [];
  const serve = (version: string, files: { name: string; data: string }[]) => {
    serving = { etag: `"${version}"`, zip: buildZip(files) };
  };
  /** `db update` of the file at `path` from the local feed, as another process would run it. */
  const update = async (path: string) =>
    (await updateVulnerabilityDb(path, [{ id: "osv:npm", url: feedUrl, importer: "osv-zip" }])).changed;
  const updatedAt = async (path: string) => {
    const db = await openVulnStore(path);
    try {
      return (await db.status()).updatedAt;
    } finally {
      await db.close();
    }
  };

  before(async () => {
    feed = createServer((req, res) => {
      if (req.headers["if-none-match"] === serving.etag) {
        served.push(304);
        res.writeHead(304).end();
        return;
      }
      served.push(200);
      res.writeHead(200, { "content-length": serving.zip.length, etag: serving.etag }).end(serving.zip);
    });
    await new Promise<void>((r) => feed.listen(0, "127.0.0.1", r));
    feedUrl = `http://127.0.0.1:${(feed.address() as AddressInfo).port}/osv/npm/all.zip`;
  });
  after(async () => {
    await new Promise((r) => feed.close(r));
    rmSync(dir, { recursive: true, force: true });
  });

  test("the scanner reopens a swapped file, re-reads an in-place update, and a 304 changes no data", async () => {
    const path = join(dir, "scanner.db");
    serve("v1", V1);
    assert.equal(await update(path), true);
    const sbom = sbomWithExpress("example/app@sha256:1");
    const scanner = await VulnerabilityScanner.open({
      dbLocation: path,
      sbomCache: false,
      catalog: async () => sbom,
    });
    const ids = async () => (await scanner.rescan(sbom)).map((v) => `${v.id} ${v.severity}`).sort();
    try {
      assert.deepEqual(await ids(), ["GHSA-aaaa-aaaa-aaaa high"]);
      assert.equal(await scanner.refresh(), false, "nothing touched the file");

      // Another process builds a new file and renames it over the path (an atomic swap).
      serve("v2", V2);
      const next = join(dir, "scanner.next.db");
      await sleep(5);
      assert.equal(await update(next), true);
      const swapped = await updatedAt(next);
      renameSync(next, path);
      assert.equal(await scanner.refresh(), true, "a new file at the path is reopened");
      assert.deepEqual(await ids(), ["GHSA-aaaa-aaaa-aaaa high", "GHSA-bbbb-bbbb-bbbb critical"]);
      assert.equal(scanner.databaseUpdatedAt(), swapped);
      assert.equal(scanner.databaseChangedAt(), swapped);
      assert.equal(await scanner.refresh(), false);

      // Another replica updates the same file in place.
      serve("v3", V3);
      await sleep(5);
      assert.equal(await update(path), true);
      assert.equal(await scanner.refresh(), true, "an update in place is re-read");
      assert.equal((await ids()).length, 3);
      const changed = scanner.databaseChangedAt();
      assert.equal(changed, await updatedAt(path));

      // A re-check that finds the source unchanged (304): newer, but the same data.
      await sleep(5);
      assert.equal(await update(path), false);
      assert.deepEqual(served.slice(-2), [200, 304]);
      assert.equal(await scanner.refresh(), false, "the same data");
      assert.ok(String(scanner.databaseUpdatedAt()) > String(changed), "the age moves");
      assert.equal(scanner.databaseChangedAt(), changed, "the data version does not");
    } finally {
      await scanner.close();
    }
  });

  describe("two monitor replicas", () => {
    let api: KubeApiServer;
    let client: KubeClient;
    before(async () => {
      api = await startKubeApiServer({ objects: docsCluster() });
      client = new KubeClient(await connect({ kubeconfig: api.kubeconfigFile }));
    });
    after(async () => {
      client?.close();
      await api?.close();
    });

    test("the follower notices the swapped database and, once it leads, rescans what the leader stored", async () => {
      const path = join(dir, "replicas.db");
      const results = join(dir, "replicas-results.db");
      serve("r1", V1);
      assert.equal(await update(path), true);
      // Only nginx:1.14.2 (nginx-deployment) has express; every other image has no packages.
      const nginx = digestOf("nginx:1.14.2");
      const reads: string[] = [];
      const catalog = async (image: string) => {
        reads.push(image);
        return image.endsWith(nginx)
          ? sbomWithExpress(image)
          : ({
              image: { reference: image, kind: "registry", layers: [] },
              packages: [],
              errors: [],
            } as never);
      };
      let leaseTime = new Date("2026-12-04T06:00:00Z");
      const replica = async (identity: string) => {
        const scanner = await VulnerabilityScanner.open({ dbLocation: path, sbomCache: false, catalog });
        const store = await openResultStore(results);
        const metrics = createMonitorMetrics();
        const logs: Record<string, unknown>[] = [];
        const monitor = new Monitor({
          client,
          policy: loadPolicyFile(policyFile),
          store,
          scanner,
          metrics,
          policyReports: false,
          debounceMs: 20,
          lease: { namespace: "portcullis", name: "portcullis-monitor", identity, now: () => leaseTime },
          log: (e) => logs.push(e),
        });
        return { scanner, store, metrics, logs, monitor };
      };
      const a = await replica("a");
      const b = await replica("b");
      try {
        await a.monitor.start();
        await a.monitor.idle();
        await b.monitor.start();
        await b.monitor.idle();
        assert.equal(a.monitor.scans, 8, "the leader scans each running digest");
        assert.equal(b.monitor.scans, 0, "the follower does not");
        assert.equal(reads.length, 8);
        assert.match(await b.metrics.registry.metrics(), /portcullis_monitor_leader 0/);

        // The leader's side puts a new database in place (built elsewhere, renamed over the path).
        serve("r2", V2);
        const next = join(dir, "replicas.next.db");
        await sleep(5);
        assert.equal(await update(next), true);
        const swapped = await updatedAt(next);
        renameSync(next, path);
        await b.monitor.reconcile();
        assert.equal(b.scanner.databaseUpdatedAt(), swapped, "the follower reads the new file");
        assert.ok(b.logs.some((l) => l.msg === "vulnerability database changed, reopened"));
        assert.equal(b.monitor.scans, 0);

        // The leader goes away; after its Lease expires the follower leads.
        await a.monitor.stop();
        leaseTime = new Date("2026-12-04T06:00:30Z");
        await b.monitor.reconcile();
        assert.match(await b.metrics.registry.metrics(), /portcullis_monitor_leader 1/);
        assert.equal(b.monitor.scans, 8, "each stored result older than the new data is matched again");
        assert.equal(reads.length, 8, "from its stored SBOM: no image read");
        const now = await b.store.lookup(nginx);
        assert.deepEqual(now.state === "scanned" && now.vulnerabilities.map((v) => `${v.id} ${v.severity}`), [
          "GHSA-aaaa-aaaa-aaaa high",
          "GHSA-bbbb-bbbb-bbbb critical",
        ]);
        const events = api.list("Event", "shop").map((e) => ({
          reason: e.reason,
          object: (e.involvedObject as { name: string }).name,
          news: String(e.message).endsWith("GHSA-bbbb-bbbb-bbbb"),
        }));
        assert.deepEqual(events, [
          { reason: "NewCriticalVulnerability", object: "nginx-deployment", news: true },
        ]);
      } finally {
        for (const r of [a, b]) {
          await r.monitor.stop();
          await r.store.close();
          await r.scanner.close();
        }
      }
    });
  });
});
