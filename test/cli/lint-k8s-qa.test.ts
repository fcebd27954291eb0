/**
 * `portcullis lint k8s` on inputs a new user gets wrong: a Dockerfile, binary files, non-UTF-8
 * text, empty stdin. Each is an input error naming the file (and line) with exit 2, and the
 * other inputs are still linted.
 */
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { runCli } from "../support/cli.js";

const POD = `apiVersion: v1
kind: Pod
metadata: { name: web, namespace: shop }
spec:
  containers:
    - name: app
      image: nginx:latest
`;

function scratch(files: Record<string, string | Buffer>): string {
  const dir = mkdtempSync(join(tmpdir(), "portcullis-lint-k8s-qa-"));
  for (const [name, body] of Object.entries(files)) writeFileSync(join(dir, name), body);
  return dir;
}

interface JsonReport {
  findings: { rule: string; location: { file: string } }[];
  errors: { file: string; line?: number; message: string }[];
}

describe("portcullis lint k8s: bad inputs", () => {
  it("says a Dockerfile is not a manifest (was: 0 objects, exit 0) and still lints the pod", async () => {
    const dir = scratch({ Dockerfile: "FROM alpine:3.19\nRUN apk add curl\n", "pod.yaml": POD });
    const r = await runCli(["lint", "k8s", join(dir, "Dockerfile"), join(dir, "pod.yaml"), "-f", "json"]);
    assert.equal(r.code, 2, r.stderr);
    const out = JSON.parse(r.stdout) as JsonReport;
    assert.equal(out.errors.length, 1);
    assert.equal(out.errors[0].file, join(dir, "Dockerfile"));
    assert.equal(out.errors[0].line, 1);
    assert.match(out.errors[0].message, /not a Kubernetes object.*looks like a Dockerfile/);
    assert.ok(
      out.findings.some((f) => f.rule === "image-tag-latest"),
      "the pod is still linted",
    );
    assert.match(r.stderr, /Dockerfile:1:1: document 1 is a string/);
  });

  it("reports binary and non-UTF-8 files with the line of the bad byte instead of reading garbage", async () => {
    const dir = scratch({
      "bin.yaml": Buffer.from([0x00, 0x01, 0xff, 0xfe, 0x20, 0x67]),
      "latin1.yaml": Buffer.concat([Buffer.from(POD), Buffer.from("# caf\xe9\n", "latin1")]),
      "utf16.yaml": Buffer.from([0xff, 0xfe, 0x61, 0x00]),
    });
    const r = await runCli(["lint", "k8s", dir, "-f", "json"]);
    assert.equal(r.code, 2, r.stderr);
    const out = JSON.parse(r.stdout) as JsonReport;
    const byFile = new Map(out.errors.map((e) => [e.file.slice(dir.length + 1), e]));
    assert.match(byFile.get("bin.yaml")?.message ?? "", /binary content/);
    assert.equal(byFile.get("latin1.yaml")?.line, 8);
    assert.match(byFile.get("latin1.yaml")?.message ?? "", /not UTF-8 text \(byte 0xE9\)/);
    assert.match(byFile.get("utf16.yaml")?.message ?? "", /UTF-16/);
    assert.equal(out.findings.length, 0, "nothing is linted from undecodable text");
  });

  it("treats empty standard input as an input error (a failed `helm template |` must not pass)", async () => {
    const r = await runCli(["lint", "k8s", "-", "-f", "json"], { stdin: "" });
    assert.equal(r.code, 2);
    const out = JSON.parse(r.stdout) as JsonReport;
    assert.deepEqual(
      out.errors.map((e) => e.message),
      ["standard input is empty; expected Kubernetes manifests"],
    );
  });

  it("reports one error for nested unclosed flow collections, not one per level", async () => {
    const dir = scratch({ "t.yaml": "apiVersion: v1\nkind: Pod\nx: {a: 1, b: {c: 2}, d\n" });
    const r = await runCli(["lint", "k8s", join(dir, "t.yaml"), "-f", "json"]);
    assert.equal(r.code, 2);
    assert.equal((JSON.parse(r.stdout) as JsonReport).errors.length, 1);
    assert.equal(r.stderr.trim().split("\n").length, 1, r.stderr);
  });

  it("writes -o into a directory as a usage error naming it (was: internal error, exit 3)", async () => {
    const dir = scratch({ "pod.yaml": POD });
    const r = await runCli(["lint", "k8s", join(dir, "pod.yaml"), "-f", "json", "-o", dir]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, new RegExp(`cannot write -o ${dir}: is a directory`));
    assert.doesNotMatch(r.stderr, /internal error/);
  });
});
