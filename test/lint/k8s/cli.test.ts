/** `portcullis lint k8s` end to end: a real process, real files, stdin, exit codes. */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { repoRoot } from "../../support/shared.js";

const corpus = join(repoRoot, "test", "fixtures", "k8s", "corpus");

function cli(args: string[], input?: string) {
  const r = spawnSync(
    process.execPath,
    ["--import", "tsx", join(repoRoot, "src", "cli", "main.ts"), "lint", "k8s", ...args],
    {
      cwd: repoRoot,
      input,
      encoding: "utf8",
      env: { ...process.env, NO_COLOR: "1" },
    },
  );
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

interface JsonReport {
  findings: {
    rule: string;
    location: { file: string; line: number; column: number };
    suppressed?: unknown;
  }[];
  errors: { file: string; line?: number; column?: number; message: string }[];
  summary: { files: number; objects: number };
}

describe("portcullis lint k8s", () => {
  it("reads standard input (helm template … | portcullis lint k8s -) and exits 1 on high findings", () => {
    const text = readFileSync(join(corpus, "cronjob-backup.yaml"), "utf8");
    const r = cli(["-", "-f", "json"], text);
    assert.equal(r.code, 1, r.stderr);
    const report = JSON.parse(r.stdout) as JsonReport;
    const f = report.findings.find((x) => x.rule === "container-run-as-root");
    assert.deepEqual(f?.location, { file: "<stdin>", line: 57, column: 28 });
    assert.equal(report.summary.objects, 1);
  });
  it("exits 0 when nothing reaches --fail-on", () => {
    const r = cli([
      join(corpus, "list.yaml"),
      "-f",
      "json",
      "--fail-on",
      "critical",
      "--private-registry",
      "registry.corp.example",
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal((JSON.parse(r.stdout) as JsonReport).findings.length, 1);
  });
  it("exits 2 on a YAML syntax error, still reporting the other documents, and names file:line:column", () => {
    const r = cli([join(corpus, "broken.yaml"), "-f", "json"]);
    assert.equal(r.code, 2);
    const report = JSON.parse(r.stdout) as JsonReport;
    assert.equal(report.errors[0].line, 16);
    assert.ok(report.findings.length > 0);
    assert.match(r.stderr, /broken\.yaml:16:13: YAML syntax error/);
  });
  it("--pss restricted adds pss-restricted:<check> findings", () => {
    const r = cli([join(corpus, "debug-pod.json"), "-f", "json", "--pss", "restricted"]);
    const rules = new Set((JSON.parse(r.stdout) as JsonReport).findings.map((f) => f.rule));
    assert.ok(rules.has("pss-restricted:capabilities_restricted"), [...rules].join(","));
    assert.ok(rules.has("pss-baseline:capabilities_baseline") === false);
  });
  it("rejects a bad --pss value with exit 2", () => {
    const r = cli([join(corpus, "list.yaml"), "--pss", "strict"]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--pss: expected baseline or restricted/);
  });
  it("--config sets severities and ignores; --allowed-registry is repeatable", () => {
    const dir = mkdtempSync(join(tmpdir(), "portcullis-cfg-"));
    const cfg = join(dir, "portcullis.yaml");
    writeFileSync(
      cfg,
      "rules:\n  container-cpu-limit-missing: off\nignore: [pod-service-account-token-automount]\nrequireDigest: off\n",
    );
    const r = cli([
      join(corpus, "ingress-nginx-controller.yaml"),
      "-f",
      "json",
      "--config",
      cfg,
      "--allowed-registry",
      "docker.io",
      "--allowed-registry",
      "registry.k8s.io/ingress-nginx/*",
    ]);
    const rules = (JSON.parse(r.stdout) as JsonReport).findings.map((f) => f.rule).sort();
    assert.deepEqual(rules, ["container-memory-limit-missing", "container-root-filesystem-writable"]);
  });
  it("a bad config file is a usage error naming file:line:column", () => {
    const dir = mkdtempSync(join(tmpdir(), "portcullis-cfg-"));
    const cfg = join(dir, ".portcullis.yaml");
    writeFileSync(cfg, "requireDigest: sometimes\n");
    const r = cli([join(corpus, "list.yaml"), "--config", cfg]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /\.portcullis\.yaml:1:16: requireDigest: expected off, warn or error/);
  });
  it("--list-rules prints id, severity and one-line doc for every rule", () => {
    const r = cli(["--list-rules"]);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^image-reference-invalid\s+high\s+Image reference is missing or invalid$/m);
    assert.match(r.stdout, /^container-cpu-limit-missing\s+low\s+Container has no cpu limit$/m);
    const withPss = cli(["--list-rules", "--pss", "baseline"]);
    assert.match(withPss.stdout, /^pss-baseline:privileged\s+high\s+/m);
  });
  it("--help teaches: flags and the helm example", () => {
    const r = cli(["--help"]);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /helm template .* \| portcullis lint k8s -/);
    assert.match(r.stdout, /--allowed-registry <pattern>/);
  });
  it("no input is a usage error", () => {
    const r = cli([]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /give manifest files or directories, or -/);
  });
});
