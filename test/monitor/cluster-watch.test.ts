/**
 * Informers, PolicyReport writes and the Lease against the Kubernetes API test server: a watch
 * the server closes is resumed, a 410 Gone forces a re-list, a PolicyReport update that
 * conflicts is retried, missing CRDs are named, and only one of two replicas leads.
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { KubeClient } from "../../src/cluster/client.js";
import { connect } from "../../src/cluster/connection.js";
import { Informer } from "../../src/cluster/informer.js";
import { PODS } from "../../src/cluster/resources.js";
import { LeaseElector } from "../../src/monitor/lease.js";
import {
  OMITTED_ANNOTATION,
  type PolicyReportResult,
  policyReport,
} from "../../src/monitor/policy-report.js";
import { ReportCrdMissing, writeReport } from "../../src/monitor/report-writer.js";
import { docsCluster, pod } from "../audit/cluster-fixture.js";
import { type KubeApiServer, startKubeApiServer } from "../support/kube-api-server.js";

async function until(cond: () => boolean, what: string, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe("cluster watch and writes", () => {
  let api: KubeApiServer;
  let client: KubeClient;
  before(async () => {
    api = await startKubeApiServer({ objects: docsCluster() });
    client = new KubeClient(await connect({ kubeconfig: api.kubeconfigFile }), { pageSize: 3 });
  });
  after(async () => {
    client.close();
    await api.close();
  });

  test("an informer resumes a watch the server closed, from the last resourceVersion, without a re-list", async () => {
    const seen: string[] = [];
    const inf = new Informer(
      client,
      PODS,
      "shop",
      {
        added: (o) => seen.push(`+${o.metadata?.name}`),
        deleted: (o) => seen.push(`-${o.metadata?.name}`),
      },
      { backoffMs: 10 },
    );
    await inf.start();
    try {
      assert.equal(seen.length, 7);
      assert.equal(inf.stats.lists, 1);
      await until(() => api.openWatches() === 1, "the watch");
      const startRv = api.requests.filter((r) => r.query.watch === "1").at(-1)?.query.resourceVersion;
      api.closeWatches();
      await until(() => inf.stats.watches >= 2 && api.openWatches() === 1, "the resumed watch");
      const resumed = api.requests.filter((r) => r.query.watch === "1").at(-1);
      assert.equal(resumed?.query.resourceVersion, startRv);
      api.put(pod("shop", "added-after-resume", [{ name: "c", image: "nginx:1.27.3" }]));
      await until(() => seen.includes("+added-after-resume"), "the ADDED event");
      assert.equal(inf.stats.lists, 1);
      assert.equal(inf.stats.relists, 0);
    } finally {
      await inf.stop();
    }
  });

  test("a 410 Gone on resume forces a re-list that finds what changed meanwhile", async () => {
    const seen: string[] = [];
    const inf = new Informer(
      client,
      PODS,
      "batch-jobs",
      {
        added: (o) => seen.push(`+${o.metadata?.name}`),
        deleted: (o) => seen.push(`-${o.metadata?.name}`),
      },
      { backoffMs: 10 },
    );
    await inf.start();
    try {
      await until(() => api.openWatches() >= 1, "the watch");
      const listsBefore = inf.stats.lists;
      api.compact();
      api.closeWatches();
      await until(() => inf.stats.lists === listsBefore + 1, "the re-list");
      assert.equal(inf.stats.relists, 1);
      // History is gone: a deletion is seen through the re-list's diff or the new watch.
      api.remove("Pod", "batch-jobs", "pi-bqtcz");
      await until(() => seen.includes("-pi-bqtcz"), "the deletion");
      assert.deepEqual(seen.slice(0, 2).sort(), ["+hello-29410080-5xk2p", "+pi-bqtcz"]);
    } finally {
      await inf.stop();
    }
  });

  test("a PolicyReport update that conflicts with another writer is re-read and retried", async () => {
    const first = await writeReport(client, policyReport("shop", []));
    assert.deepEqual(first, { action: "created", conflicts: 0 });
    api.conflictNext("policyreports", 2);
    const results = [
      {
        source: "portcullis",
        policy: "audit-test",
        rule: "image-tag-latest",
        result: "fail" as const,
        severity: "high" as const,
        message: "container app uses image nginx:latest",
        resources: [{ apiVersion: "apps/v1", kind: "Deployment", namespace: "shop", name: "latest-app" }],
        timestamp: { seconds: 1796112000, nanos: 0 },
      },
    ];
    const second = await writeReport(client, policyReport("shop", results));
    assert.deepEqual(second, { action: "updated", conflicts: 2 });
    const stored = api.get("PolicyReport", "shop", "portcullis");
    assert.deepEqual(stored?.summary, { pass: 0, fail: 1, warn: 0, error: 0, skip: 0 });
    assert.deepEqual(stored?.results, results);
    const puts = api.requests.filter(
      (r) => r.method === "PUT" && r.path.endsWith("/policyreports/portcullis"),
    );
    assert.equal(puts.length, 3);
  });

  test("a report over its size budget leaves out the least severe vulnerability results and says so", async () => {
    const at = { seconds: 1796112000, nanos: 0 };
    const resources = [{ apiVersion: "apps/v1", kind: "Deployment", namespace: "shop", name: "api" }];
    const policy = (rule: string): PolicyReportResult => ({
      source: "portcullis",
      policy: "audit-test",
      rule,
      result: "fail",
      severity: "high",
      message: `${rule} violated`,
      category: "Image policy",
      resources,
      timestamp: at,
    });
    const vuln = (n: number, severity: "critical" | "high" | "medium" | "low"): PolicyReportResult => ({
      source: "portcullis",
      policy: "vulnerabilities",
      rule: `CVE-2026-${1000 + n}`,
      result: severity === "critical" || severity === "high" ? "fail" : "warn",
      severity,
      message: `CVE-2026-${1000 + n} in openssl 3.0.15-1`,
      category: "Vulnerability",
      resources,
      properties: { image: "registry.example/app@sha256:1", package: "openssl" },
      timestamp: at,
    });
    const severities = ["low", "critical", "medium", "high", "low", "medium", "low", "medium"] as const;
    const results = [
      policy("image-tag-latest"),
      ...severities.map((s, i) => vuln(i, s)),
      policy("image-signature"),
    ];
    const size = (list: PolicyReportResult[]) => list.reduce((a, r) => a + JSON.stringify(r).length + 1, 2);
    // Room for everything but the lows and one medium: the last medium (index 7) goes.
    const expected = results.filter((r, i) => r.severity !== "low" && i !== 8);
    const big = policyReport("shop", results, size(expected));
    assert.deepEqual(big.results, expected);
    assert.deepEqual(big.summary, { pass: 0, fail: 4, warn: 2, error: 0, skip: 0 });
    assert.deepEqual(big.metadata?.annotations, { [OMITTED_ANNOTATION]: "low=3,medium=1" });
    assert.equal(policyReport("shop", results, size(results)).metadata?.annotations, undefined);
    // Policy results are never left out, whatever the budget.
    assert.deepEqual(
      (policyReport("shop", results, 10).results as PolicyReportResult[]).map((r) => r.rule),
      ["image-tag-latest", "image-signature"],
    );

    // In place: someone else's annotation stays; ours goes when nothing is left out any more.
    api.put({
      ...policyReport("budget", []),
      metadata: { name: "portcullis", namespace: "budget", annotations: { "example.com/owner": "team-a" } },
    });
    await writeReport(client, policyReport("budget", results, size(expected)));
    assert.deepEqual(api.get("PolicyReport", "budget", "portcullis")?.metadata?.annotations, {
      "example.com/owner": "team-a",
      [OMITTED_ANNOTATION]: "low=3,medium=1",
    });
    await writeReport(client, policyReport("budget", results));
    const stored = api.get("PolicyReport", "budget", "portcullis");
    assert.deepEqual(stored?.metadata?.annotations, { "example.com/owner": "team-a" });
    assert.equal((stored?.results as unknown[] | undefined)?.length, 10);
  });

  test("without the PolicyReport CRDs the writer says what is missing", async () => {
    const bare = await startKubeApiServer({ crds: false });
    const c = new KubeClient(await connect({ kubeconfig: bare.kubeconfigFile }));
    try {
      await assert.rejects(writeReport(c, policyReport("shop", [])), (err: Error) => {
        assert.ok(err instanceof ReportCrdMissing);
        assert.match(
          err.message,
          /PolicyReport CRDs \(wgpolicyk8s.io\/v1alpha2 policyreports, clusterpolicyreports\) are not installed/,
        );
        return true;
      });
    } finally {
      c.close();
      await bare.close();
    }
  });

  test("of two replicas one holds the Lease; the other takes over only after it expires", async () => {
    let now = new Date("2026-12-04T06:00:00Z");
    const a = new LeaseElector(client, {
      namespace: "portcullis",
      name: "portcullis-monitor",
      identity: "a",
      leaseDurationSeconds: 15,
      now: () => now,
    });
    const b = new LeaseElector(client, {
      namespace: "portcullis",
      name: "portcullis-monitor",
      identity: "b",
      leaseDurationSeconds: 15,
      now: () => now,
    });
    assert.equal(await a.tryAcquire(), true);
    assert.equal(await b.tryAcquire(), false);
    now = new Date("2026-12-04T06:00:10Z");
    assert.equal(await a.tryAcquire(), true, "renewed");
    now = new Date("2026-12-04T06:00:20Z");
    assert.equal(await b.tryAcquire(), false, "renewed 10 s ago: still held");
    now = new Date("2026-12-04T06:00:26Z");
    assert.equal(await b.tryAcquire(), true, "expired: taken over");
    const lease = api.get("Lease", "portcullis", "portcullis-monitor") as { spec: Record<string, unknown> };
    assert.equal(lease.spec.holderIdentity, "b");
    assert.equal(lease.spec.leaseTransitions, 1);
    assert.equal(lease.spec.renewTime, "2026-12-04T06:00:26.000000Z");
    assert.equal(await a.tryAcquire(), false);
  });
});
