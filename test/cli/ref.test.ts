import assert from "node:assert/strict";
import { existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { runCli } from "../support/cli.js";
import { repoRoot } from "../support/shared.js";

describe("portcullis ref", () => {
  it("prints domain, path and the normalised form as JSON", async () => {
    const r = await runCli(["ref", "nginx", "--format", "json"]);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.equal(out.references[0].domain, "docker.io");
    assert.equal(out.references[0].path, "library/nginx");
    assert.equal(out.references[0].normalized, "docker.io/library/nginx:latest");
    assert.equal(out.references[0].familiar, "nginx");
    assert.equal(out.references[0].pullPolicy, "Always");
  });

  it("exits 2 for Foo/bar saying the repository name must be lowercase", async () => {
    const r = await runCli(["ref", "Foo/bar"]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /repository name must be lowercase/);
  });

  it("still prints the valid references of a call that has invalid ones", async () => {
    const digest = `sha256:${"a".repeat(64)}`;
    const r = await runCli(["ref", "-f", "json", "ghcr.io/org/app:1.2", "bad ref", `busybox@${digest}`]);
    assert.equal(r.code, 2);
    const out = JSON.parse(r.stdout);
    assert.deepEqual(
      out.references.map((x: { normalized: string }) => x.normalized),
      ["ghcr.io/org/app:1.2", `docker.io/library/busybox@${digest}`],
    );
    assert.equal(out.references[1].pullPolicy, "IfNotPresent");
    assert.equal(out.errors.length, 1);
    assert.match(r.stderr, /"bad ref": invalid reference format/);
  });

  it("a tag+digest image tagged latest defaults to Always, as SetDefaults_Container reads the parsed tag", async () => {
    const digest = `sha256:${"b".repeat(64)}`;
    const r = await runCli(["ref", "-f", "json", `nginx:latest@${digest}`, `nginx:1.27@${digest}`]);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.deepEqual(
      out.references.map((x: { pullPolicy: string }) => x.pullPolicy),
      ["Always", "IfNotPresent"],
    );
  });

  it("prints a table with the pull policy rule applied", async () => {
    const r = await runCli(["ref", "-f", "table", "redis:7", "--pull-policy", "Never"]);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /normalised {2}docker\.io\/library\/redis:7/);
    assert.match(r.stdout, /pull policy Never\n/);
  });

  it("rejects an unknown format with exit 2", async () => {
    const r = await runCli(["ref", "-f", "xml", "nginx"]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /xml/);
  });
});

describe("portcullis top level", () => {
  it("--version prints the package version", async () => {
    const r = await runCli(["--version"]);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^\d+\.\d+\.\d+\n$/);
  });
  it("--help lists every verb with one line", async () => {
    const r = await runCli(["--help"]);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^ {2}ref {2,}parse image references/m);
    assert.match(r.stdout, /^ {2}lint {2,}lint Kubernetes manifests/m);
  });
  it("an unknown verb exits 2", async () => {
    const r = await runCli(["frobnicate"]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /unknown verb 'frobnicate'/);
  });
});

describe("the package's bin", () => {
  const bin = join(repoRoot, "dist/cli/main.js");
  it("dist/cli/main.js is executable after the build, so `npx portcullis` runs", {
    skip: existsSync(bin) ? false : "skipped: dist/ not built (npm ci or npm run build builds it)",
  }, () => {
    assert.ok((statSync(bin).mode & 0o111) !== 0, "npm run build must chmod +x the bin");
    assert.match(readFileSync(bin, "utf8"), /^#!\/usr\/bin\/env node\n/);
  });
});
