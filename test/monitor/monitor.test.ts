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
import type { ScannedVulnerability } from "../../src/audit/scan-status.js";
import type { CatalogResult } from "../../src/catalog/index.js";
import { KubeClient } from "../../src/cluster/client.js";
import { connect } from "../../src/cluster/connection.js";
import { monitorManifests } from "../../src/monitor/install.js";
import { createMonitorMetrics } from "../../src/monitor/metrics.js";
import { type ImageScanner, Monitor } from "../../src/monitor/monitor.js";
import { openResultStore } from "../../src/monitor/store.js";
import { evaluatePolicy } from "../../src/policy/engine.js";
import { loadPolicyFile, parsePolicy } from "../../src/policy/load.js";
import { digestOf, docsCluster, pod, TEST_POLICY } from "../audit/cluster-fixture.js";
import { type KubeApiServer, startKubeApiServer } from "../support/kube-api-server.js";

function critical(id: string, pkg: string): ScannedVulnerability {
  return { id, severity: "critical", package: pkg, version: "1.0-1" };
}

/** An SBOM that names its digest (the fake database keys its answers by it). */
function fakeSbom(digest: string): CatalogResult {
  return {
    image: { reference: `example@${digest}`, kind: "registry", digest, layers: [] },
    packages: [],
    errors: [],
  };
}

const dir = mkdtempSync(join(tmpdir(), "portcullis-monitor-"));
const policyFile = join(dir, "policy.yaml");
writeFileSync(policyFile, TEST_POLICY);

describe("portcullis monitor", () => {
  let api: KubeApiServer;
  let client: KubeClient;
  before(async () => {
    api = await startKubeApiServer({ objects: docsCluster() });
    client = new KubeClient(await connect({ kubeconfig: api.kubeconfigFile }));
  });
  after(async () => {
    client.close();
    await api.close();
  });

  test("writes one PolicyReport per namespace, scans each new digest once; Events only for news", async () => {
    // What the fake database says per digest; rescan() reads it again (a database update).
    const advisories = new Map<string, ScannedVulnerability[]>([
      [digestOf("nginx:1.14.2"), [critical("CVE-2025-0002", "pcre2")]],
      [digestOf("nginx:1.27.3"), [critical("CVE-2025-0001", "openssl")]],
    ]);
    const scanned: string[] = [];
    const scanner: ImageScanner = {
      async scan(repository, digest) {
        scanned.push(`${repository}@${digest}`);
        return { sbom: fakeSbom(digest), vulnerabilities: advisories.get(digest) ?? [] };
      },
      async rescan(sbom) {
        return advisories.get(String(sbom.image.digest)) ?? [];
      },
    };
    const store = await openResultStore(":memory:");
    const metrics = createMonitorMetrics();
    const logs: Record<string, unknown>[] = [];
    const now = new Date("2026-12-04T06:00:00Z");
    let updates = 0;
    const m = new Monitor({
      client,
      policy: loadPolicyFile(policyFile),
      store,
      scanner,
      metrics,
      debounceMs: 20,
      dbUpdate: { intervalMs: 3_600_000, update: async () => ++updates > 0 },
      log: (e) => logs.push(e),
      now: () => now,
    });
    const alerts = () => logs.filter((l) => l.msg === "new critical finding on a running image");
    const events = () =>
      ["shop", "batch-jobs", "kube-system"]
        .flatMap((ns) => api.list("Event", ns))
        .map((e) => {
          const o = e.involvedObject as { kind: string; namespace: string; name: string };
          return `${e.type} ${e.reason} ${o.kind} ${o.namespace}/${o.name}: ${e.message}`;
        });
    await m.start();
    try {
      await m.idle();
      assert.equal(scanned.length, 8, "each of the 8 running digests scanned once");
      const shop = api.get("PolicyReport", "shop", "portcullis") as {
        summary: unknown;
        scope: unknown;
        results: {
          policy: string;
          rule: string;
          result: string;
          resources: { kind: string; name: string }[];
        }[];
      };
      assert.deepEqual(shop.scope, { apiVersion: "v1", kind: "Namespace", name: "shop" });
      assert.deepEqual(shop.summary, { pass: 3, fail: 3, warn: 0, error: 0, skip: 0 });
      assert.deepEqual(
        shop.results.map(
          (r) => `${r.result} ${r.policy} ${r.rule} ${r.resources[0]?.kind}/${r.resources[0]?.name}`,
        ),
        [
          "fail audit-test image-tag-latest Deployment/latest-app",
          "pass audit-test image-policy Deployment/nginx-deployment",
          "pass audit-test image-policy Pod/debug",
          "fail audit-test image-registry-not-allowed ReplicaSet/frontend",
          "pass audit-test image-policy StatefulSet/web",
          "fail vulnerabilities CVE-2025-0002 Deployment/nginx-deployment",
        ],
      );
      assert.ok(api.get("PolicyReport", "kube-system", "portcullis"));
      assert.ok(api.get("ClusterPolicyReport", undefined, "portcullis"));
      // The state found at start is reported, not raised: nginx:1.14.2's critical is no news.
      assert.deepEqual(events(), []);
      assert.deepEqual(alerts(), []);

      // A rollout to a new digest with a critical finding: scanned once, raised once.
      api.put(pod("shop", "canary", [{ name: "web", image: "nginx:1.27.3" }]));
      await new Promise((r) => setTimeout(r, 100));
      await m.idle();
      api.put(pod("shop", "canary-2", [{ name: "web", image: "nginx:1.27.3" }]));
      await new Promise((r) => setTimeout(r, 100));
      await m.idle();
      assert.equal(scanned.filter((s) => s.endsWith(digestOf("nginx:1.27.3"))).length, 1);
      const canary = `docker.io/library/nginx@${digestOf("nginx:1.27.3").slice(0, 19)}…: CVE-2025-0001`;
      assert.deepEqual(events(), [
        `Warning NewCriticalVulnerability Pod shop/canary: newly running image with critical findings: ${canary}`,
      ]);
      assert.deepEqual(
        alerts().map((l) => [l.cause, l.ids]),
        [["new-digest", "CVE-2025-0001"]],
      );

      // A database update brings a new critical for the image nginx-deployment has run since
      // the start (and a high for busybox): the stored SBOMs are matched again, no image is
      // read, and only the gained critical is raised.
      const nginx = digestOf("nginx:1.14.2");
      advisories.set(nginx, [critical("CVE-2025-0002", "pcre2"), critical("CVE-2026-0003", "zlib")]);
      advisories.set(digestOf("busybox:1.28"), [
        { id: "CVE-2026-0004", severity: "high", package: "busybox", version: "1.28" },
      ]);
      await m.updateDatabase();
      assert.equal(m.rescans, 9, "every stored SBOM matched again");
      assert.equal(scanned.length, 9, "no image read again");
      assert.deepEqual(events().slice(1), [
        `Warning NewCriticalVulnerability Deployment shop/nginx-deployment: new critical finding: docker.io/library/nginx@${nginx.slice(0, 19)}…: CVE-2026-0003`,
      ]);
      assert.deepEqual(
        alerts().map((l) => [l.cause, l.ids, l.workloads]),
        [
          ["new-digest", "CVE-2025-0001", ["Pod shop/canary"]],
          ["rescan", "CVE-2026-0003", ["Deployment shop/nginx-deployment"]],
        ],
      );
      // The same data again: nothing new, nothing raised.
      await m.updateDatabase();
      assert.equal(events().length, 2);

      const text = await metrics.registry.metrics();
      assert.match(text, /portcullis_monitor_images\{severity="critical"\} 2/);
      assert.match(text, /portcullis_monitor_images\{severity="high"\} 1/);
      assert.match(text, /portcullis_monitor_images\{severity="none"\} 6/);
      assert.match(text, /portcullis_monitor_workloads_denied\{rule="image-registry-not-allowed"\} 2/);
      assert.match(text, /portcullis_monitor_new_critical_findings_total 2/);
      const report = api.get("PolicyReport", "shop", "portcullis") as {
        results: { policy: string; rule: string; result: string; resources: { name: string }[] }[];
      };
      assert.deepEqual(
        report.results
          .filter((r) => r.policy === "vulnerabilities")
          .map((r) => `${r.result} ${r.rule} ${r.resources.map((x) => x.name).join(",")}`)
          .sort(),
        [
          "fail CVE-2025-0001 canary,canary-2",
          "fail CVE-2025-0002 nginx-deployment",
          "fail CVE-2026-0003 nginx-deployment",
          "fail CVE-2026-0004 debug",
        ],
      );
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
