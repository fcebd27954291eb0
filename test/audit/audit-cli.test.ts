/**
 * `portcullis audit` end to end: the real CLI, through @kubernetes/client-node's kubeconfig
 * handling, against the HTTPS Kubernetes API test server holding the documentation's examples.
 */
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { openResultStore } from "../../src/monitor/store.js";
import { runCli } from "../support/cli.js";
import { type KubeApiServer, startKubeApiServer } from "../support/kube-api-server.js";
import { digestOf, docsCluster, TEST_POLICY } from "./cluster-fixture.js";

const dir = mkdtempSync(join(tmpdir(), "portcullis-audit-cli-"));
const policyFile = join(dir, "policy.yaml");
const nextFile = join(dir, "next.yaml");
writeFileSync(policyFile, TEST_POLICY);
// registry.k8s.io no longer allowed (web newly denied), quay.io allowed (fluentd newly allowed).
writeFileSync(nextFile, TEST_POLICY.replace("- registry.k8s.io", "- quay.io/**"));

interface AuditJson {
  findings: {
    rule: string;
    severity: string;
    message: string;
    object?: { kind: string; namespace: string; name: string };
    image?: string;
  }[];
  summary: { objects: number; findings: Record<string, number> };
  audit: {
    workloads: {
      kind: string;
      namespace: string;
      name: string;
      allowed: boolean;
      violations: { rule: string }[];
    }[];
    images: {
      digest?: string;
      repository: string;
      specImages: string[];
      workloads: string[];
      pods: number;
      scan: { state: string };
    }[];
    unreadable: { namespace?: string; resource: string; message: string }[];
    dryRun?: {
      newlyDenied: { workload: { name: string }; reasons: string[] }[];
      newlyAllowed: { workload: { name: string }; reasons: string[] }[];
    };
  };
}

function wl(j: AuditJson): string[] {
  return j.audit.workloads.map(
    (w) => `${w.allowed ? "allowed" : "denied"} ${w.kind} ${w.namespace}/${w.name}`,
  );
}

describe("portcullis audit against the Kubernetes API test server", () => {
  let api: KubeApiServer;
  before(async () => {
    api = await startKubeApiServer({ objects: docsCluster() });
  });
  after(async () => {
    await api.close();
  });

  test("reads every namespace in pages of 4 and reports the workloads the webhook would deny", async () => {
    const before = api.requests.length;
    const r = await runCli([
      "audit",
      "--kubeconfig",
      api.kubeconfigFile,
      "-A",
      "--policy",
      policyFile,
      "--chunk-size",
      "4",
      "-f",
      "json",
    ]);
    assert.equal(r.code, 1, r.stderr);
    const j = JSON.parse(r.stdout) as AuditJson;
    assert.deepEqual(wl(j), [
      "allowed CronJob batch-jobs/hello",
      "allowed Job batch-jobs/pi",
      "denied DaemonSet kube-system/fluentd-elasticsearch",
      "denied Deployment shop/latest-app",
      "allowed Deployment shop/nginx-deployment",
      "allowed Pod shop/debug",
      "denied ReplicaSet shop/frontend",
      "allowed StatefulSet shop/web",
    ]);
    assert.deepEqual(
      j.findings.map(
        (f) => `${f.rule} ${f.severity} ${f.object?.kind} ${f.object?.namespace}/${f.object?.name}`,
      ),
      [
        "image-registry-not-allowed high DaemonSet kube-system/fluentd-elasticsearch",
        "image-tag-latest high Deployment shop/latest-app",
        "image-registry-not-allowed high ReplicaSet shop/frontend",
      ],
    );
    assert.match(
      j.findings[1]?.message ?? "",
      /container app uses image nginx:latest; pin a version tag or digest/,
    );
    // 10 pods in pages of 4: three requests, the last two with the continue token.
    const podLists = api.requests.slice(before).filter((q) => q.path === "/api/v1/pods");
    assert.deepEqual(
      podLists.map((q) => [q.query.limit, Boolean(q.query.continue)]),
      [
        ["4", false],
        ["4", true],
        ["4", true],
      ],
    );
    // Images by running digest: busybox runs in the CronJob's pod and in shop/debug (init too).
    const busybox = j.audit.images.find((i) => i.digest === digestOf("busybox:1.28"));
    assert.deepEqual(busybox && { ...busybox, scan: busybox.scan.state }, {
      digest: digestOf("busybox:1.28"),
      repository: "docker.io/library/busybox",
      specImages: ["busybox:1.28"],
      workloads: ["CronJob batch-jobs/hello", "Pod shop/debug"],
      pods: 2,
      scan: "not-scanned",
    });
    assert.equal(j.audit.images.length, 8);
    assert.ok(
      j.audit.images.some(
        (i) => i.workloads.includes("Pod shop/debug") && i.repository === "docker.io/library/alpine",
      ),
      "ephemeral container image counted",
    );
    assert.equal(j.summary.objects, 8);
  });

  test("a namespace RBAC refuses is reported and the others are audited", async () => {
    api.forbid({ namespace: "kube-system" });
    try {
      const r = await runCli([
        "audit",
        "--kubeconfig",
        api.kubeconfigFile,
        "-A",
        "--policy",
        policyFile,
        "-f",
        "json",
        "--fail-on",
        "none",
      ]);
      assert.equal(r.code, 0, r.stderr);
      const j = JSON.parse(r.stdout) as AuditJson;
      assert.ok(!wl(j).some((w) => w.includes("kube-system")));
      assert.equal(j.audit.workloads.length, 7);
      assert.deepEqual(
        j.audit.unreadable.map((u) => `${u.namespace} ${u.resource}`),
        ["deployments", "statefulsets", "daemonsets", "replicasets", "jobs", "cronjobs", "pods"].map(
          (r) => `kube-system ${r}`,
        ),
      );
      assert.equal(
        j.audit.unreadable[6]?.message,
        'pods is forbidden: User "system:serviceaccount:portcullis:auditor" cannot list resource "pods" in API group "" in the namespace "kube-system"',
      );
      assert.match(r.stderr, /warning: namespace kube-system: pods is forbidden/);
    } finally {
      api.allowAll();
    }
  });

  test("--dry-run-policy lists the newly denied and newly allowed workloads with reasons", async () => {
    const fresh = await startKubeApiServer({ objects: docsCluster() });
    try {
      const r = await runCli([
        "audit",
        "--kubeconfig",
        fresh.kubeconfigFile,
        "-A",
        "--policy",
        policyFile,
        "--dry-run-policy",
        nextFile,
        "-f",
        "json",
      ]);
      const j = JSON.parse(r.stdout) as AuditJson;
      assert.deepEqual(j.audit.dryRun?.newlyDenied, [
        {
          workload: { kind: "StatefulSet", namespace: "shop", name: "web" },
          reasons: [
            "[image-registry-not-allowed] container nginx uses image registry.k8s.io/nginx-slim:0.8 (registry.k8s.io/nginx-slim), which matches none of the allowed registries: docker.io/library/*, quay.io/**",
          ],
        },
      ]);
      assert.deepEqual(j.audit.dryRun?.newlyAllowed, [
        {
          workload: { kind: "DaemonSet", namespace: "kube-system", name: "fluentd-elasticsearch" },
          reasons: [
            "[image-registry-not-allowed] container fluentd-elasticsearch uses image quay.io/fluentd_elasticsearch/fluentd:v2.5.2 (quay.io/fluentd_elasticsearch/fluentd), which matches none of the allowed registries: docker.io/library/*, registry.k8s.io",
          ],
        },
      ]);
    } finally {
      await fresh.close();
    }
  });

  test("--since lists only the stored findings first seen since then, by running digest", async () => {
    const fresh = await startKubeApiServer({ objects: docsCluster() });
    const db = join(dir, "results.db");
    const store = await openResultStore(db);
    const nginx = digestOf("nginx:1.14.2");
    await store.record({
      digest: nginx,
      repository: "docker.io/library/nginx",
      scannedAt: new Date("2026-11-20T00:00:00Z"),
      vulnerabilities: [
        { id: "CVE-2019-9511", severity: "high", package: "nginx", version: "1.14.2-2+deb10u1" },
      ],
    });
    await store.record({
      digest: nginx,
      repository: "docker.io/library/nginx",
      scannedAt: new Date("2026-12-02T00:00:00Z"),
      vulnerabilities: [
        { id: "CVE-2019-9511", severity: "high", package: "nginx", version: "1.14.2-2+deb10u1" },
        {
          id: "CVE-2021-23017",
          severity: "critical",
          package: "nginx",
          version: "1.14.2-2+deb10u1",
          fixedVersion: "1.14.2-2+deb10u4",
        },
      ],
    });
    await store.close();
    try {
      const r = await runCli([
        "audit",
        "--kubeconfig",
        fresh.kubeconfigFile,
        "-n",
        "shop",
        "--policy",
        policyFile,
        "--results-db",
        db,
        "--no-scan",
        "--since",
        "2026-12-01",
        "-f",
        "json",
        "--fail-on",
        "critical",
      ]);
      assert.equal(r.code, 1, r.stderr);
      const j = JSON.parse(r.stdout) as AuditJson;
      assert.deepEqual(
        j.findings.filter((f) => f.rule === "vulnerability").map((f) => [f.severity, f.image, f.message]),
        [
          [
            "critical",
            `docker.io/library/nginx@${nginx}`,
            "CVE-2021-23017 in nginx 1.14.2-2+deb10u1 (fixed in 1.14.2-2+deb10u4); used by Deployment shop/nginx-deployment",
          ],
        ],
      );
      const img = j.audit.images.find((i) => i.digest === nginx);
      assert.equal(img?.scan.state, "scanned");
      assert.equal(
        j.audit.images.find((i) => i.digest === digestOf("busybox:1.28"))?.scan.state,
        "not-scanned",
      );
    } finally {
      await fresh.close();
    }
  });

  test("bad input: unreadable kubeconfig, unknown context, --since without results (exit 2)", async () => {
    const bad = join(dir, "bad-kubeconfig");
    writeFileSync(bad, "clusters: [this is: not: yaml\n");
    const r1 = await runCli(["audit", "--kubeconfig", bad, "--policy", policyFile]);
    assert.equal(r1.code, 2);
    assert.match(r1.stderr, /portcullis audit: cannot read .*bad-kubeconfig/);
    const r2 = await runCli([
      "audit",
      "--kubeconfig",
      api.kubeconfigFile,
      "--context",
      "prod",
      "--policy",
      policyFile,
    ]);
    assert.equal(r2.code, 2);
    assert.match(r2.stderr, /--context prod: no such context \(known: test\)/);
    const r3 = await runCli(["audit", "--kubeconfig", join(dir, "none"), "--policy", policyFile]);
    assert.equal(r3.code, 2);
    assert.match(r3.stderr, /--kubeconfig: no file/);
    assert.doesNotMatch(r1.stderr + r2.stderr + r3.stderr, /at .*\.ts:\d+/);
  });

  test("an expired token (401) and a connection cut mid-list are operational failures (exit 3)", async () => {
    const expired = join(dir, "expired-kubeconfig");
    const { readFileSync } = await import("node:fs");
    writeFileSync(expired, readFileSync(api.kubeconfigFile, "utf8").replace(api.token, "expired-token"));
    const r1 = await runCli(["audit", "--kubeconfig", expired, "-A", "--policy", policyFile]);
    assert.equal(r1.code, 3);
    assert.match(r1.stderr, /Unauthorized \(the token or certificate was refused: expired\?\)/);
    api.dropNext("/deployments", 60);
    const r2 = await runCli([
      "audit",
      "--kubeconfig",
      api.kubeconfigFile,
      "-A",
      "--policy",
      policyFile,
      "-f",
      "json",
    ]);
    assert.equal(r2.code, 3);
    assert.match(r2.stderr, /GET \/apis\/apps\/v1\/deployments: the server closed the connection mid-answer/);
    assert.equal(r2.stdout, "");
    api.forbid({});
    try {
      const r3 = await runCli(["audit", "--kubeconfig", api.kubeconfigFile, "-A", "--policy", policyFile]);
      assert.equal(r3.code, 3);
      assert.match(r3.stderr, /nothing could be read from the cluster/);
    } finally {
      api.allowAll();
    }
  });
});
