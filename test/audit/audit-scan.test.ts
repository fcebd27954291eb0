/**
 * `portcullis audit` scanning the images a cluster runs: the API test server's pods run the
 * registry test environment's real images (app:1.0 in two workloads and three pods, alpine:3.18 in
 * one), matched against a database built from the shared vectors. Hand-checked against
 * `portcullis scan` of the same images (test/scan/scan.test.ts): app:1.0 has 60 rows, minimist
 * 1.2.5 CVE-2021-44906 the one critical; alpine:3.18 has 20 rows (secdb, no severity: low).
 * Also: --since after a database update lists only what the update added, the database missing,
 * and the HTML report's workloads, images and counts against the JSON report.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { sharedFeeds } from "../scan/support.js";
import { runCli } from "../support/cli.js";
import { type KubeApiServer, startKubeApiServer } from "../support/kube-api-server.js";
import { registryEnv, SKIP_NO_REGISTRY_ENV } from "../support/registry-env.js";
import { SKIP_NO_SHARED } from "../support/shared.js";
import { buildDb, envDigest, scanCluster, scanPolicy } from "./scan-fixture.js";

const env = registryEnv;
const skip = !env ? SKIP_NO_REGISTRY_ENV : !sharedFeeds() ? SKIP_NO_SHARED : false;

interface Vuln {
  id: string;
  severity: string;
  package: string;
  version?: string;
  fixedVersion?: string;
  firstSeen: string;
}
interface AuditJson {
  findings: { rule: string; severity: string; message: string; image?: string }[];
  summary: { findings: Record<string, number> };
  audit: {
    workloads: { kind: string; namespace: string; name: string; allowed: boolean }[];
    images: {
      digest?: string;
      repository: string;
      workloads: string[];
      pods: number;
      scan: { state: string; reason?: string; vulnerabilities?: Vuln[] };
      counts?: Record<string, number>;
    }[];
  };
}

describe("portcullis audit scans the running images", { skip }, () => {
  const dir = mkdtempSync(join(tmpdir(), "portcullis-audit-scan-"));
  let api: KubeApiServer;
  let db = "";
  let policyFile = "";
  let app = "";
  let alpine = "";
  const audit = (args: string[]) =>
    runCli(["audit", "--kubeconfig", api.kubeconfigFile, "-A", "--policy", policyFile, ...args], {
      env: { XDG_CACHE_HOME: join(dir, "cache"), PORTCULLIS_DB: join(dir, "none.db") },
      timeoutMs: 300_000,
    });

  before(async () => {
    if (!env) return;
    db = (await buildDb(dir, "vuln.db")) as string;
    api = await startKubeApiServer({ objects: scanCluster(env) });
    policyFile = join(dir, "policy.yaml");
    writeFileSync(policyFile, scanPolicy(env));
    app = envDigest(env, "app:1.0");
    alpine = envDigest(env, "alpine:3.18");
  });
  after(async () => {
    await api?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test("each distinct digest is scanned and reported per image (counts, rows) and as findings", async () => {
    const r = await audit([
      "--db",
      db,
      "--results-db",
      join(dir, "results.db"),
      "-f",
      "json",
      "--fail-on",
      "critical",
    ]);
    assert.equal(r.code, 1, r.stderr);
    const j = JSON.parse(r.stdout) as AuditJson;
    const images = j.audit.images.map((i) => [
      i.repository,
      i.digest,
      i.pods,
      i.workloads,
      i.scan.state,
      i.counts,
    ]);
    assert.deepEqual(images, [
      [
        `${env?.plain}/portcullis/alpine`,
        alpine,
        1,
        ["Deployment shop/edge"],
        "scanned",
        { critical: 0, high: 0, medium: 0, low: 20 },
      ],
      [
        `${env?.plain}/portcullis/app`,
        app,
        3,
        ["Deployment shop/api", "Pod batch/report"],
        "scanned",
        { critical: 1, high: 5, medium: 4, low: 50 },
      ],
    ]);
    const appRows = j.audit.images[1]?.scan.vulnerabilities ?? [];
    assert.equal(appRows.length, 60);
    const row = (id: string, pkg: string) => {
      const v = appRows.find((x) => x.id === id && x.package === pkg);
      return v && [v.severity, v.version, v.fixedVersion];
    };
    assert.deepEqual(row("CVE-2021-44906", "minimist"), ["critical", "1.2.5", "1.2.6"]);
    assert.deepEqual(row("CVE-2021-23337", "lodash"), ["high", "4.17.15", "4.17.21"]);
    assert.deepEqual(row("CVE-2016-2781", "coreutils"), ["low", "9.1-1", undefined]);
    assert.equal(row("CVE-2024-3094", "xz-utils"), undefined, 'fixed_version "0" never matches');
    const alpineRows = j.audit.images[0]?.scan.vulnerabilities ?? [];
    assert.deepEqual(
      alpineRows.filter((v) => v.id === "CVE-2023-5678").map((v) => [v.package, v.version, v.fixedVersion]),
      [
        ["libcrypto3", "3.1.2-r0", "3.1.4-r1"],
        ["libssl3", "3.1.2-r0", "3.1.4-r1"],
      ],
    );
    assert.deepEqual(j.summary.findings, { critical: 1, high: 5, medium: 4, low: 70 });
    const critical = j.findings.filter((f) => f.severity === "critical");
    assert.deepEqual(
      critical.map((f) => [f.rule, f.image, f.message]),
      [
        [
          "vulnerability",
          `${env?.plain}/portcullis/app@${app}`,
          "CVE-2021-44906 in minimist 1.2.5 (fixed in 1.2.6); used by Deployment shop/api, Pod batch/report",
        ],
      ],
    );
    // The table shows each image's most severe rows.
    const t = await audit([
      "--db",
      db,
      "--results-db",
      join(dir, "results.db"),
      "-f",
      "table",
      "--fail-on",
      "none",
    ]);
    assert.equal(t.code, 0, t.stderr);
    assert.match(
      t.stdout,
      /app@sha256:f6239ea0dc78… {2}scanned \d{4}-\d\d-\d\d: 1 critical, 5 high, 4 medium, 50 low/,
    );
    assert.match(t.stdout, /\n {6}critical CVE-2021-44906 in minimist 1\.2\.5\n/);
    assert.match(t.stdout, /… and 57 more/);
  });

  test("--since after a database update lists only the findings the update added", async () => {
    const results = join(dir, "since.db");
    const distro = (await buildDb(dir, "distro.db", true)) as string;
    const first = await audit(["--db", distro, "--results-db", results, "-f", "json", "--fail-on", "none"]);
    assert.equal(first.code, 0, first.stderr);
    const before = JSON.parse(first.stdout) as AuditJson;
    assert.deepEqual(
      before.audit.images[1]?.counts,
      { critical: 0, high: 0, medium: 0, low: 6 },
      "Debian rows only",
    );
    const between = new Date().toISOString();
    await new Promise((r) => setTimeout(r, 20));
    const full = (await buildDb(dir, "full.db")) as string;
    // The stored result is older than the new database: its stored SBOM is matched again.
    const r = await audit([
      "--db",
      full,
      "--results-db",
      results,
      "--since",
      between,
      "-f",
      "json",
      "--fail-on",
      "none",
    ]);
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout) as AuditJson;
    const vulns = j.findings.filter((f) => f.rule === "vulnerability");
    assert.equal(vulns.length, 54, "60 rows now, of which the 6 Debian rows were seen before");
    assert.ok(vulns.some((f) => f.message.startsWith("CVE-2021-44906 in minimist")));
    assert.ok(!vulns.some((f) => /^CVE-2016-2781 in coreutils/.test(f.message)), "seen before the update");
    assert.ok(!vulns.some((f) => f.image?.includes("/alpine@")), "alpine gained nothing");
    const stored = j.audit.images[1]?.scan.vulnerabilities ?? [];
    assert.ok((stored.find((v) => v.id === "CVE-2016-2781")?.firstSeen ?? "") < between);
    assert.ok((stored.find((v) => v.id === "CVE-2021-44906")?.firstSeen ?? "") > between);
  });

  test("the database missing: images 'not scanned' with the reason; exit 3 only with --fail-on", async () => {
    const r = await audit(["-f", "json"]);
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout) as AuditJson;
    for (const i of j.audit.images) {
      assert.equal(i.scan.state, "not-scanned");
      assert.match(
        i.scan.reason ?? "",
        /^vulnerability database missing: no vulnerability database at .*none\.db/,
      );
    }
    assert.match(
      r.stderr,
      /warning: images not scanned: no vulnerability database at .*none\.db; run 'portcullis db update'/,
    );
    const failOn = await audit(["-f", "json", "--fail-on", "high"]);
    assert.equal(failOn.code, 3);
    assert.match(
      failOn.stderr,
      /--fail-on high: 2 image\(s\) could not be scanned \(vulnerability database missing/,
    );
    assert.equal(JSON.parse(failOn.stdout).audit.images.length, 2, "the report is still printed");
    const noScan = await audit(["--no-scan", "-f", "json", "--fail-on", "high"]);
    assert.equal(noScan.code, 0, noScan.stderr);
    assert.equal(JSON.parse(noScan.stdout).audit.images[0].scan.reason, "not scanned (--no-scan)");
  });

  test("--format html: one document with the workloads, the images and the JSON report's counts", async () => {
    const out = join(dir, "audit.html");
    const args = ["--db", db, "--results-db", join(dir, "results.db"), "--fail-on", "none"];
    const h = await audit([...args, "-f", "html", "-o", out]);
    assert.equal(h.code, 0, h.stderr);
    const j = JSON.parse((await audit([...args, "-f", "json"])).stdout) as AuditJson;
    const html = readFileSync(out, "utf8");
    assert.match(html, /^<!doctype html>/);
    assert.match(html, /<meta http-equiv="Content-Security-Policy" content="default-src 'none'/);
    for (const w of j.audit.workloads)
      assert.match(html, new RegExp(`<h2>${w.kind} ${w.namespace}/${w.name}`), `section for ${w.name}`);
    for (const i of j.audit.images) assert.ok(html.includes(`<h2>${i.repository}@${i.digest}`));
    // Summary chart counts and the findings table row count equal the JSON report's.
    for (const [sev, n] of Object.entries(j.summary.findings))
      if (n) assert.match(html, new RegExp(`class="bar sev-${sev}"/><text [^>]*class="cnt">${n}</text>`));
    const findings =
      /<section id="findings" class="tbl">\s*<h2>Findings <span class="count" data-total="(\d+)">/.exec(html);
    assert.equal(Number(findings?.[1]), j.findings.length);
    // A finding links to its image's section and its workload's section.
    const minimist = html.split("\n").find((l) => l.includes("CVE-2021-44906 in minimist"));
    assert.match(minimist ?? "", /<a href="#workload-\d+">Deployment shop\/api, Pod batch\/report<\/a>/);
    assert.match(minimist ?? "", /<a href="#image-2">/);
    assert.match(html, /<section id="image-2" class="tbl">\s*<h2>[^<]*portcullis\/app@/);
  });
});
