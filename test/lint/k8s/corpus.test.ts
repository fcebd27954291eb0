/**
 * The realistic corpus (test/fixtures/k8s/corpus/, hand-written in the shape of popular Helm
 * charts' rendered output): every finding asserted exactly, line and column included.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, it } from "node:test";
import { loadManifests } from "../../../src/k8s/load.js";
import { lintManifests } from "../../../src/lint/k8s/engine.js";
import { compareFindings, type Finding } from "../../../src/report/finding.js";
import { repoRoot } from "../../support/shared.js";

const corpus = join(repoRoot, "test", "fixtures", "k8s", "corpus");

function lint(file: string) {
  const set = loadManifests([join(corpus, file)]);
  return lintManifests(set, { privateRegistries: ["registry.corp.example"] });
}

function summary(findings: Finding[]): string[] {
  return [...findings]
    .sort(compareFindings)
    .map(
      (f) =>
        `${f.location!.line}:${f.location!.column} ${f.rule}${f.container ? ` [${f.container}]` : ""}${f.suppressed ? " (suppressed)" : ""}`,
    );
}

const expected: Record<string, string[]> = {
  "redis-statefulset.yaml": [
    "107:18 image-no-digest [redis]",
    "108:28 image-pull-policy-mutable-tag [redis]",
    "162:18 image-no-digest [metrics]",
    "163:28 image-pull-policy-mutable-tag [metrics]",
    "183:11 container-cpu-request-missing [metrics]",
    "183:11 container-memory-limit-missing [metrics]",
    "183:11 container-memory-request-missing [metrics]",
    "183:11 container-cpu-limit-missing [metrics]",
  ],
  "ingress-nginx-controller.yaml": [
    "41:5 pod-service-account-token-automount",
    "68:37 container-root-filesystem-writable [controller]",
    "100:11 container-memory-limit-missing [controller]",
    "100:11 container-cpu-limit-missing [controller]",
  ],
  "cronjob-backup.yaml": [
    "34:22 image-tag-latest [wait-for-db]",
    "34:22 image-no-digest [wait-for-db]",
    "46:22 image-no-digest [pg-dump]",
    "46:22 image-pull-policy-mutable-tag [pg-dump]",
    "57:28 container-run-as-root [pg-dump]",
    "64:24 container-request-exceeds-limit [pg-dump]",
    "65:27 container-request-exceeds-limit [pg-dump]",
  ],
  "daemonset-node-exporter.yaml": [
    "37:18 image-no-digest [node-exporter]",
    "44:11 container-seccomp-profile-missing [node-exporter]",
    "58:13 container-cpu-limit-missing [node-exporter]",
    "74:20 pod-host-namespaces (suppressed)",
    "75:16 pod-host-namespaces (suppressed)",
    "83:11 pod-host-path-volume (suppressed)",
    "86:11 pod-host-path-volume (suppressed)",
    "89:11 pod-host-path-volume (suppressed)",
  ],
  "debug-pod.json": [
    "50:18 image-tag-latest [debugger]",
    "50:18 image-no-digest [debugger]",
    "52:9 container-privilege-escalation-allowed [debugger]",
    "52:9 container-root-filesystem-writable [debugger]",
    "53:11 container-capabilities-not-dropped [debugger]",
    "53:37 container-capabilities-dangerous [debugger]",
    "53:50 container-capabilities-dangerous [debugger]",
  ],
  "list.yaml": ["70:18 image-pull-secret-missing [worker]"],
  "argo-rollout.yaml": [
    "33:23 container-privileged [storefront]",
    "39:39 container-resource-quantity-invalid [storefront]",
  ],
};

describe("corpus: exact findings per file", () => {
  for (const [file, want] of Object.entries(expected)) {
    it(file, () => {
      const r = lint(file);
      assert.deepEqual(r.errors, []);
      assert.deepEqual(summary(r.findings), want);
      for (const f of r.findings) assert.equal(f.location?.file, join(corpus, file));
    });
  }

  it("a finding deep inside a CronJob's job template carries the object and exact message", () => {
    const r = lint("cronjob-backup.yaml");
    const f = r.findings.find((x) => x.rule === "container-request-exceeds-limit" && x.location?.line === 65);
    assert.ok(f);
    assert.deepEqual(f.object, {
      apiVersion: "batch/v1",
      kind: "CronJob",
      namespace: "data",
      name: "postgres-backup",
    });
    assert.equal(f.container, "pg-dump");
    assert.equal(f.image, "postgres:16.2-alpine");
    assert.equal(f.severity, "high");
    assert.equal(f.message, "container pg-dump requests memory 1Gi, more than its limit 1000Mi");
  });

  it("never flags IfNotPresent on a digest-pinned image (ingress-nginx controller)", () => {
    const r = lint("ingress-nginx-controller.yaml");
    assert.equal(
      r.findings.filter((f) => f.rule.startsWith("image-")).length,
      0,
      "the controller image is pinned by digest with imagePullPolicy IfNotPresent",
    );
  });

  it("suppressed findings carry the annotation's reason and are not counted as failures", () => {
    const r = lint("daemonset-node-exporter.yaml");
    const s = r.findings.filter((f) => f.suppressed);
    assert.equal(s.length, 5);
    for (const f of s)
      assert.deepEqual(f.suppressed, { reason: "node agent: reads host /proc and /sys by design" });
  });

  it("a ServiceAccount in the input with imagePullSecrets satisfies the pull-secret rule (kind: List)", () => {
    const r = lint("list.yaml");
    assert.equal(r.objects, 3);
    assert.equal(r.workloads, 2);
    const f = r.findings.find((x) => x.rule === "image-pull-secret-missing");
    assert.equal(f?.object?.name, "billing-worker");
    assert.match(f!.message, /its ServiceAccount default is not in the input/);
  });

  it("unparsable quantities get a clear message", () => {
    const r = lint("argo-rollout.yaml");
    const f = r.findings.find((x) => x.rule === "container-resource-quantity-invalid");
    assert.equal(
      f?.message,
      'container storefront: resources.limits.memory "512MB" is not a Kubernetes quantity: unknown suffix "MB" (use M (10^6) or Mi (2^20))',
    );
  });

  it("a YAML syntax error is located, and the documents after it are still checked", () => {
    const r = lint("broken.yaml");
    assert.deepEqual(r.errors, [
      {
        file: join(corpus, "broken.yaml"),
        line: 16,
        column: 13,
        message: "YAML syntax error: Nested mappings are not allowed in compact mappings",
      },
    ]);
    const names = new Set(r.findings.map((f) => f.object?.name));
    assert.deepEqual([...names].sort(), ["after-error", "before-error"]);
    assert.deepEqual(
      summary(r.findings.filter((f) => f.object?.name === "after-error" && f.rule.startsWith("image"))),
      ["26:12 image-no-digest [app]", "27:22 image-pull-policy-never [app]"],
    );
  });

  it("the whole corpus directory: every file read, the object count, the one input error", () => {
    const set = loadManifests([corpus]);
    const r = lintManifests(set, { privateRegistries: ["registry.corp.example"] });
    assert.equal(r.files, 8);
    assert.equal(r.errors.length, 1);
    const total = Object.values(expected).reduce((n, l) => n + l.length, 0) + 22; // broken.yaml: 22
    assert.equal(r.findings.length, total);
  });
});
