/**
 * `audit` of a generated cluster: 500 Deployments with 10 pods each (5,000 pods) running 200
 * distinct images, served by the HTTPS Kubernetes API test server, with a warm results store
 * (every digest already scanned). End to end in-process: connect (kubeconfig through
 * @kubernetes/client-node), list every kind in pages of 500, evaluate with the webhook's engine,
 * look each distinct digest up once through the scan source over a warm database (stored results
 * newer than it are reused). Goal: under 10 s, each image looked up once, none scanned again.
 */

import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { VulnerabilityScanner } from "../src/audit/image-scanner.js";
import { runAudit } from "../src/audit/run.js";
import { ScanningSource } from "../src/audit/scan-source.js";
import type { ImageScanSource } from "../src/audit/scan-status.js";
import { KubeClient } from "../src/cluster/client.js";
import { connect } from "../src/cluster/connection.js";
import { openResultStore } from "../src/monitor/store.js";
import { parsePolicy } from "../src/policy/load.js";
import { deployment, digestOf, namespace, TEST_POLICY } from "../test/audit/cluster-fixture.js";
import { buildDb } from "../test/audit/scan-fixture.js";
import { type KubeObject, startKubeApiServer } from "../test/support/kube-api-server.js";

export default async function bench(): Promise<void> {
  const objects: KubeObject[] = [];
  for (let n = 0; n < 10; n++) objects.push(namespace(`team-${n}`));
  for (let w = 0; w < 500; w++) {
    const image = `nginx:1.${w % 200}.0`;
    objects.push(...deployment(`team-${w % 10}`, `app-${w}`, [{ name: "app", image }], 10));
  }
  const api = await startKubeApiServer({ objects });
  const dir = mkdtempSync(join(tmpdir(), "portcullis-bench-audit-"));
  // A warm database (the shared vectors' feeds, when present) built before the stored scans, so
  // audit's scan source reuses every stored result: no image read, no match.
  const db = await buildDb(dir, "vuln.db");
  const scanner = db ? await VulnerabilityScanner.open({ dbLocation: db, sbomCache: false }) : undefined;
  const store = await openResultStore(":memory:");
  for (let i = 0; i < 200; i++) {
    await store.record({
      digest: digestOf(`nginx:1.${i}.0`),
      repository: "docker.io/library/nginx",
      scannedAt: new Date(),
      vulnerabilities: [
        { id: `CVE-2026-${1000 + i}`, severity: i % 7 === 0 ? "critical" : "medium", package: "openssl" },
      ],
    });
  }
  const lookups = new Map<string, number>();
  const source = new ScanningSource({ scanner, results: store, missingReason: "no shared vectors" });
  const counting: ImageScanSource = {
    lookup(digest, repository) {
      lookups.set(digest, (lookups.get(digest) ?? 0) + 1);
      return source.lookup(digest, repository);
    },
  };
  const policy = parsePolicy(TEST_POLICY, "policy.yaml");
  const t0 = performance.now();
  const client = new KubeClient(await connect({ kubeconfig: api.kubeconfigFile }), { pageSize: 500 });
  const connected = performance.now() - t0;
  const r = await runAudit({ client, scope: {}, policy, scans: counting });
  const ms = performance.now() - t0;
  client.close();
  const pods = api.requests.filter((q) => q.path === "/api/v1/pods").length;
  const once = [...lookups.values()].every((n) => n === 1);
  console.log(
    `  audit: ${r.workloads.length} workloads, ${r.stats.pods} pods, ${r.images.length} images in ${(ms / 1000).toFixed(2)} s` +
      ` (of which connect, i.e. loading client-node: ${(connected / 1000).toFixed(2)} s)` +
      ` (goal < 10 s; load ${loadavg()[0]?.toFixed(1)})`,
  );
  console.log(
    `  image look-ups: ${lookups.size} digests, ${once ? "each once" : "SOME MORE THAN ONCE"}; pod list pages: ${pods}; findings: ${r.report.findings.length}`,
  );
  console.log(
    `  scans: ${scanner ? `${source.scanned} (warm database, stored results reused)` : "none (no shared vectors: stored results only)"}`,
  );
  await scanner?.close();
  rmSync(dir, { recursive: true, force: true });
  await store.close();
  await api.close();
}
