import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { runCli } from "../support/cli.js";

describe("--config errors name the file, without a fake position", () => {
  it("a directory", async () => {
    const r = await runCli(["lint", "k8s", "examples/k8s", "--config", "examples", "-f", "json"]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /examples: cannot read config file: is a directory/);
    assert.doesNotMatch(r.stderr, /:0:0:/);
  });
  it("a missing file", async () => {
    const r = await runCli([
      "lint",
      "dockerfile",
      "examples/docker",
      "--config",
      "no-such.yaml",
      "-f",
      "json",
    ]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /no-such\.yaml: cannot read config file: no such file/);
  });
});

const BOMB = [
  'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
  "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]",
  "c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]",
  "d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]",
  "e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]",
  "f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]",
].join("\n");

function tempDir(): string {
  return mkdtempSync(join(tmpdir(), "portcullis-config-qa-"));
}

describe("policy and project config files are read safely, like manifests", () => {
  it("a policy with an alias bomb is refused at file:line with exit 2, as the manifest loader does", async () => {
    const dir = tempDir();
    const file = join(dir, "policy.yaml");
    writeFileSync(file, `apiVersion: portcullis.dev/v1alpha1\nkind: ImagePolicy\n${BOMB}\n`);
    const r = await runCli(["policy", "validate", file]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /policy\.yaml:\d+:\d+: aliases expand to more than 10000 values/);
    assert.doesNotMatch(r.stderr, /internal error/);
  });

  it("a binary file given as a policy is reported as binary content, without echoing it", async () => {
    const dir = tempDir();
    const file = join(dir, "policy.bin");
    const bytes = Buffer.alloc(136 * 1024, 0x41);
    bytes[40] = 0;
    writeFileSync(file, bytes);
    const r = await runCli(["policy", "validate", file]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /policy\.bin:1:41: binary content/);
    assert.ok(r.stderr.length < 1000, `stderr is ${r.stderr.length} characters`);
  });

  it("a .portcullis.yaml with an alias bomb is refused at file:line with exit 2", async () => {
    const dir = tempDir();
    const file = join(dir, ".portcullis.yaml");
    // The bomb sits in an unknown key: the alias check comes first, so it is never expanded.
    writeFileSync(file, `rules: {}\nbomb:\n${BOMB.replace(/^/gm, "  ")}\n`);
    const r = await runCli(["lint", "k8s", "--config", file, "examples/k8s", "-f", "json"]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /\.portcullis\.yaml:\d+:\d+: aliases expand to more than 10000 values/);
  });
});

describe(".portcullis.yaml names only rules that exist", () => {
  it("rejects an unknown rule id with a did-you-mean and lists every error at once", async () => {
    const dir = tempDir();
    const file = join(dir, ".portcullis.yaml");
    writeFileSync(
      file,
      [
        "rules:",
        "  container-cpu-limit-mising: off",
        "  image-tag-latest: severe",
        "ignore: [dockerfile-expose-shh, DL3008, pss-restricted]",
        "requireDigests: error",
        "",
      ].join("\n"),
    );
    const r = await runCli(["lint", "k8s", "--config", file, "examples/k8s", "-f", "json"]);
    assert.equal(r.code, 2);
    assert.match(
      r.stderr,
      /\.portcullis\.yaml:2:3: rules: unknown rule id 'container-cpu-limit-mising' \(did you mean 'container-cpu-limit-missing'\?\)/,
    );
    assert.match(r.stderr, /:3:\d+: rules\.image-tag-latest: expected off, low, medium, high or critical/);
    assert.match(r.stderr, /:4:\d+: ignore\[0\]: unknown rule id 'dockerfile-expose-shh'/);
    assert.match(r.stderr, /:5:1: unknown key 'requireDigests' \(did you mean 'requireDigest'\?\)/);
    assert.doesNotMatch(r.stderr, /DL3008|'pss-restricted'/);
  });

  it("accepts ids of both linters, hadolint ids and Pod Security checks in the same file", async () => {
    const dir = tempDir();
    const file = join(dir, ".portcullis.yaml");
    writeFileSync(
      file,
      "rules:\n  image-no-digest: off\n  DL3006: low\n  pss-restricted:runAsNonRoot: medium\nignore: [dockerfile-expose-ssh]\n",
    );
    const r = await runCli([
      "lint",
      "dockerfile",
      "--config",
      file,
      "examples/docker",
      "-f",
      "json",
      "--fail-on",
      "none",
    ]);
    assert.equal(r.code, 0, r.stderr);
  });
});

describe("lint k8s on a directory without manifests", () => {
  it("exits 2 saying no manifests were found, as lint dockerfile does for Dockerfiles", async () => {
    const dir = tempDir();
    writeFileSync(join(dir, "README.md"), "# nothing to lint\n");
    const r = await runCli(["lint", "k8s", dir, "-f", "json"]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /no Kubernetes manifests \(\*\.yaml, \*\.yml, \*\.json\) found in this directory/);
    const out = JSON.parse(r.stdout);
    assert.equal(out.errors[0].file, dir);
  });
});
