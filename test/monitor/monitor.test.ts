/**
 * The monitor against the Kubernetes API test server: one PolicyReport per namespace with the
 * exact results, each new digest scanned once across reconciles, a new critical finding raised
 * as a Warning Event, metrics, and `monitor install` manifests (least privilege, restricted pod).
 */
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { parseAllDocuments } from "yaml";
import { KubeClient } from "../../src/cluster/client.js";
import { connect } from "../../src/cluster/connection.js";
import { monitorManifests } from "../../src/monitor/install.js";
import { createMonitorMetrics } from "../../src/monitor/metrics.js";
import { type ImageScanner, Monitor } from "../../src/monitor/monitor.js";
import { openResultStore } from "../../src/monitor/store.js";
import { evaluatePolicy } from "../../src/policy/engine.js";
import { loadPolicyFile, parsePolicy } from "../../src/policy/load.js";
import { loadOptionalModules } from "../../src/policy/optional-modules.js";
import { digestOf, docsCluster, pod, TEST_POLICY } from "../audit/cluster-fixture.js";
import { type KubeApiServer, startKubeApiServer } from "../support/kube-api-server.js";

const dir = mkdtempSync(join(tmpdir(), "portcullis-monitor-"));
const policyFile = join(dir, "policy.yaml");
writeFileSync(policyFile, TEST_POLICY);

describe("portcullis monitor", () => {
  let api: KubeApiServer;
  let client: KubeClient;
  before(async () => {
    await loadOptionalModules();
    api = await startKubeApiServer({ objects: docsCluster() });
    client = new KubeClient(await connect({ kubeconfig: api.kubeconfigFile }));
  });
  after(async () => {
    client.close();
    await api.close();
  });

  test("writes one PolicyReport per namespace, scans each new digest once and raises new criticals", async () => {
    const scanned: string[] = [];
    const scanner: ImageScanner = {
      async scan(repository, digest) {
        scanned.push(`${repository}@${digest}`);
        const critical = digest === digestOf("nginx:1.27.3");
        return {
          vulnerabilities: critical
            ? [{ id: "CVE-2025-0001", severity: "critical", package: "openssl", version: "3.0.15-1" }]
            : [],
        };
      },
    };
    const store = await openResultStore(":memory:");
    const metrics = createMonitorMetrics();
    const logs: Record<string, unknown>[] = [];
    const now = new Date("2026-12-04T06:00:00Z");
    const m = new Monitor({
      client,
      policy: loadPolicyFile(policyFile),
      store,
      scanner,
      metrics,
      debounceMs: 20,
      log: (e) => logs.push(e),
      now: () => now,
    });
    await m.start();
    try {
      await m.idle();
      assert.equal(scanned.length, 8, "each of the 8 running digests scanned once");
      const shop = api.get("PolicyReport", "shop", "portcullis") as {
        summary: unknown;
        scope: unknown;
        results: { rule: string; result: string; resources: { kind: string; name: string }[] }[];
      };
      assert.deepEqual(shop.scope, { apiVersion: "v1", kind: "Namespace", name: "shop" });
      assert.deepEqual(shop.summary, { pass: 3, fail: 2, warn: 0, error: 0, skip: 0 });
      assert.deepEqual(
        shop.results.map((r) => `${r.result} ${r.rule} ${r.resources[0]?.kind}/${r.resources[0]?.name}`),
        [
          "fail image-tag-latest Deployment/latest-app",
          "pass image-policy Deployment/nginx-deployment",
          "pass image-policy Pod/debug",
          "fail image-registry-not-allowed ReplicaSet/frontend",
          "pass image-policy StatefulSet/web",
        ],
      );
      assert.ok(api.get("PolicyReport", "kube-system", "portcullis"));
      assert.ok(api.get("ClusterPolicyReport", undefined, "portcullis"));

      // A rollout to a new digest: scanned once, its critical finding raised once.
      api.put(pod("shop", "canary", [{ name: "web", image: "nginx:1.27.3" }]));
      await new Promise((r) => setTimeout(r, 100));
      await m.idle();
      api.put(pod("shop", "canary-2", [{ name: "web", image: "nginx:1.27.3" }]));
      await new Promise((r) => setTimeout(r, 100));
      await m.idle();
      assert.equal(scanned.filter((s) => s.endsWith(digestOf("nginx:1.27.3"))).length, 1);
      const events = api.list("Event", "shop");
      assert.equal(events.length, 1);
      assert.equal(events[0]?.reason, "NewCriticalVulnerability");
      assert.deepEqual(events[0]?.involvedObject, { kind: "Pod", namespace: "shop", name: "canary" });
      assert.ok(
        logs.some((l) => l.msg === "new critical finding on a running image" && l.ids === "CVE-2025-0001"),
      );
      const text = await metrics.registry.metrics();
      assert.match(text, /portcullis_monitor_images\{severity="critical"\} 1/);
      assert.match(text, /portcullis_monitor_images\{severity="none"\} 8/);
      assert.match(text, /portcullis_monitor_workloads_denied\{rule="image-registry-not-allowed"\} 2/);
      assert.match(text, /portcullis_monitor_new_critical_findings_total 1/);
      const report = api.get("PolicyReport", "shop", "portcullis") as {
        results: { policy: string; rule: string }[];
      };
      assert.ok(report.results.some((r) => r.policy === "vulnerabilities" && r.rule === "CVE-2025-0001"));
    } finally {
      await m.stop();
      await store.close();
    }
  });

  test("without the PolicyReport CRDs the monitor says so once and keeps evaluating", async () => {
    const bare = await startKubeApiServer({ objects: docsCluster(), crds: false });
    const c = new KubeClient(await connect({ kubeconfig: bare.kubeconfigFile }));
    const store = await openResultStore(":memory:");
    const logs: Record<string, unknown>[] = [];
    const m = new Monitor({
      client: c,
      policy: loadPolicyFile(policyFile),
      store,
      metrics: createMonitorMetrics(),
      log: (e) => logs.push(e),
    });
    try {
      await m.start();
      await m.idle();
      const errors = logs.filter((l) => l.level === "error");
      assert.equal(errors.length, 1);
      assert.match(String(errors[0]?.msg), /PolicyReport CRDs .* are not installed/);
      assert.equal(m.last?.workloads.length, 8);
    } finally {
      await m.stop();
      c.close();
      await store.close();
      await bare.close();
    }
  });

  test("monitor install: least-privilege RBAC and a pod the restricted Pod Security Standard admits", () => {
    const docs = parseAllDocuments(monitorManifests({ policyText: TEST_POLICY })).map(
      (d) => d.toJS() as { kind: string; rules?: { verbs: string[]; resources: string[] }[] },
    );
    const kinds = docs.map((d) => d.kind);
    assert.deepEqual(kinds, [
      "Namespace",
      "ServiceAccount",
      "ClusterRole",
      "ClusterRoleBinding",
      "Role",
      "RoleBinding",
      "ConfigMap",
      "PersistentVolumeClaim",
      "Deployment",
      "Service",
    ]);
    const role = docs.find((d) => d.kind === "ClusterRole");
    const verbs = (role?.rules ?? []).flatMap((r) => r.verbs);
    assert.ok(!verbs.includes("*") && !verbs.includes("delete") && !verbs.includes("patch"));
    const resources = (role?.rules ?? []).flatMap((r) => r.resources);
    assert.ok(!resources.includes("secrets") && !resources.includes("*"));
    const restricted = parsePolicy(
      "apiVersion: portcullis.dev/v1alpha1\nkind: ImagePolicy\nmetadata: { name: pss }\nspec:\n  defaultMode: enforce\n  rules:\n    podSecurity: { level: restricted, version: latest }\n",
      "pss.yaml",
    );
    const deployment = docs.find((d) => d.kind === "Deployment") as unknown as Record<string, unknown>;
    const e = evaluatePolicy(restricted.policy, deployment, { namespace: "portcullis" });
    assert.deepEqual(
      e.decisions.map((d) => d.rule),
      [],
    );
    assert.equal(e.allowed, true);
  });
});
