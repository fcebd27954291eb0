/**
 * `portcullis check`, `policy` and `webhook install` through the CLI: Dockerfile base images
 * against the image rules, exit codes, and the install manifests passing our own lint.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { CASES_DIR, POLICY_FILE } from "../policy/cases.js";
import { repoRoot } from "../support/shared.js";

function cli(args: string[], input?: string) {
  const r = spawnSync(
    process.execPath,
    ["--import", "tsx", join(repoRoot, "src", "cli", "main.ts"), ...args],
    {
      encoding: "utf8",
      input,
      cwd: repoRoot,
    },
  );
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe("portcullis check (CLI)", () => {
  const dir = mkdtempSync(join(tmpdir(), "portcullis-check-"));
  writeFileSync(
    join(dir, "Dockerfile"),
    "ARG BASE=docker.io/library/alpine:3.18\nFROM $BASE AS build\nRUN true\nFROM build\nFROM quay.io/evil/base:latest\nFROM scratch\n",
  );

  test("Dockerfile base images go through the image rules; stages and scratch are skipped", () => {
    const r = cli(["check", join(dir, "Dockerfile"), "--policy", POLICY_FILE, "-f", "json"]);
    assert.equal(r.code, 1, r.stderr);
    const report = JSON.parse(r.stdout) as {
      findings: {
        rule: string;
        severity: string;
        location: { line: number; column: number };
        message: string;
      }[];
    };
    const got = report.findings.map((f) => `${f.location.line}:${f.location.column} ${f.severity} ${f.rule}`);
    assert.deepEqual(got, [
      "2:6 medium image-no-digest",
      "5:6 high image-registry-not-allowed",
      "5:6 high image-tag-latest",
      "5:6 medium image-no-digest",
    ]);
    assert.match(
      report.findings[0].message,
      /base image of stage build uses image docker\.io\/library\/alpine:3\.18, which is not pinned by digest/,
    );
  });

  test("a clean object exits 0; a denied one exits 1; --fail-on none exits 0", () => {
    assert.equal(
      cli(["check", join(CASES_DIR, "pod-good.yaml"), "--policy", POLICY_FILE, "-f", "json"]).code,
      0,
    );
    assert.equal(
      cli(["check", join(CASES_DIR, "pod-latest.yaml"), "--policy", POLICY_FILE, "-f", "json"]).code,
      1,
    );
    assert.equal(
      cli([
        "check",
        join(CASES_DIR, "pod-latest.yaml"),
        "--policy",
        POLICY_FILE,
        "--fail-on",
        "none",
        "-f",
        "json",
      ]).code,
      0,
    );
  });

  test("stdin, SARIF, and unreadable inputs (exit 2, others still reported)", () => {
    const r = cli(
      ["check", "-", join(dir, "missing.yaml"), "--policy", POLICY_FILE, "-f", "sarif"],
      "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: a, image: nginx}]\n",
    );
    assert.equal(r.code, 2);
    const sarif = JSON.parse(r.stdout) as { version: string; runs: { results: { ruleId: string }[] }[] };
    assert.equal(sarif.version, "2.1.0");
    assert.ok(sarif.runs[0].results.some((x) => x.ruleId === "image-tag-latest"));
    assert.match(r.stderr, /missing\.yaml: no such file/);
  });

  test("a bad policy file is a usage error naming line and column", () => {
    const bad = join(dir, "bad.yaml");
    writeFileSync(
      bad,
      "apiVersion: portcullis.dev/v1alpha1\nkind: ImagePolicy\nspec:\n  rules:\n    requireDigest: {mode: always}\n",
    );
    const r = cli(["check", join(CASES_DIR, "pod-good.yaml"), "--policy", bad]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /bad\.yaml:5:27: spec\.rules\.requireDigest\.mode: expected one of/);
    assert.equal(cli(["policy", "validate", bad]).code, 2);
    assert.equal(cli(["policy", "validate", POLICY_FILE]).code, 0);
  });

  test("policy init writes a policy that validates; explain reads it back", () => {
    const file = join(dir, "starter.yaml");
    assert.equal(cli(["policy", "init", file]).code, 0);
    assert.equal(cli(["policy", "init", file]).code, 2, "no overwrite without --force");
    const e = cli(["policy", "explain", "--policy", file]);
    assert.equal(e.code, 0);
    assert.match(e.stdout, /Pod Security Standard "restricted"/);
  });

  test("webhook install: every object listed, and lint k8s --pss restricted finds nothing", () => {
    const image = `ghcr.io/portcullis/portcullis:0.1.0@sha256:${"c".repeat(64)}`;
    const r = cli(["webhook", "install", "--policy", POLICY_FILE, "--image", image, "--namespace", "gate"]);
    assert.equal(r.code, 0, r.stderr);
    for (const kind of [
      "Namespace",
      "ServiceAccount",
      "ConfigMap",
      "Secret",
      "Deployment",
      "PodDisruptionBudget",
      "Service",
      "MutatingWebhookConfiguration",
      "ValidatingWebhookConfiguration",
    ]) {
      assert.match(r.stdout, new RegExp(`^kind: ${kind}$`, "m"), kind);
    }
    assert.match(r.stdout, /caBundle: [A-Za-z0-9+/=]{100,}/);
    assert.match(r.stdout, /values:\n\s+- kube-system\n\s+- gate/);
    assert.match(r.stdout, /replicas: 2/);
    const file = join(dir, "install.yaml");
    writeFileSync(file, r.stdout);
    const lint = cli(["lint", "k8s", file, "--pss", "restricted", "-f", "json", "--fail-on", "low"]);
    const report = JSON.parse(lint.stdout) as { findings: unknown[]; errors: unknown[] };
    assert.deepEqual(report.findings, []);
    assert.deepEqual(report.errors, []);
    assert.equal(lint.code, 0);
    // And the webhook's own policy admits its own Deployment.
    const own = cli(["check", file, "--policy", POLICY_FILE, "-f", "json"]);
    assert.equal(own.code, 1, "ghcr.io/portcullis is not on the cases' allow-list");
    assert.deepEqual(
      (JSON.parse(own.stdout) as { findings: { rule: string }[] }).findings.map((f) => f.rule),
      ["image-registry-not-allowed"],
    );
  });
});
