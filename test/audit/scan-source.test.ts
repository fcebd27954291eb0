/**
 * Audit's scan source over the real scanner: each distinct running digest is read once however
 * many pods run it, a stored result newer than the database is reused (no read, no match), and
 * after the database changes the stored SBOM is matched again without reading the image.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { VulnerabilityScanner } from "../../src/audit/image-scanner.js";
import { runAudit } from "../../src/audit/run.js";
import { ScanningSource } from "../../src/audit/scan-source.js";
import { catalogImage } from "../../src/catalog/index.js";
import { KubeClient } from "../../src/cluster/client.js";
import { connect } from "../../src/cluster/connection.js";
import { openResultStore } from "../../src/monitor/store.js";
import { parsePolicy } from "../../src/policy/load.js";
import { sharedFeeds } from "../scan/support.js";
import { type KubeApiServer, startKubeApiServer } from "../support/kube-api-server.js";
import { registryEnv, SKIP_NO_REGISTRY_ENV } from "../support/registry-env.js";
import { SKIP_NO_SHARED } from "../support/shared.js";
import { buildDb, scanCluster, scanPolicy } from "./scan-fixture.js";

const env = registryEnv;
const skip = !env ? SKIP_NO_REGISTRY_ENV : !sharedFeeds() ? SKIP_NO_SHARED : false;

describe("audit scan source", { skip }, () => {
  const dir = mkdtempSync(join(tmpdir(), "portcullis-scan-source-"));
  let api: KubeApiServer;
  let client: KubeClient;
  before(async () => {
    if (!env) return;
    api = await startKubeApiServer({ objects: scanCluster(env) });
    client = new KubeClient(await connect({ kubeconfig: api.kubeconfigFile }));
  });
  after(async () => {
    client?.close();
    await api?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test("each digest is read once, a current stored result is reused, a stale one rescanned from its SBOM", async () => {
    if (!env) return;
    const policy = parsePolicy(scanPolicy(env), "policy.yaml");
    const reads: string[] = [];
    const open = async (db: string) =>
      VulnerabilityScanner.open({
        dbLocation: db,
        sbomCache: false,
        catalog: (image) => {
          reads.push(image);
          return catalogImage(image);
        },
      });
    const results = await openResultStore(join(dir, "results.db"));
    const audit = async (scanner: VulnerabilityScanner) => {
      const scans = new ScanningSource({ scanner, results });
      const r = await runAudit({ client, scope: {}, policy, scans });
      await scanner.close();
      return { r, scanned: scans.scanned };
    };
    const first = await audit(await open((await buildDb(dir, "distro.db", true)) as string));
    assert.equal(first.r.stats.pods, 4);
    assert.deepEqual(reads.map((i) => i.split("@")[0]).sort(), [
      `${env.plain}/portcullis/alpine`,
      `${env.plain}/portcullis/app`,
    ]);
    assert.equal(first.scanned, 2);
    const again = await audit(await open(join(dir, "distro.db")));
    assert.equal(again.scanned, 0, "stored results newer than the database are reused");
    assert.equal(reads.length, 2);
    const full = await audit(await open((await buildDb(dir, "full.db")) as string));
    assert.equal(full.scanned, 2, "the database is newer: both matched again");
    assert.equal(reads.length, 2, "from the stored SBOMs, without reading the images");
    assert.deepEqual(
      full.r.images.map((i) => i.counts),
      [
        { critical: 0, high: 0, medium: 0, low: 20 },
        { critical: 1, high: 5, medium: 4, low: 50 },
      ],
    );
    await results.close();
  });
});
