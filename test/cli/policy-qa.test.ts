/** `portcullis policy …` on bad input: unwritable targets, directories, files that are not YAML policies. */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { runCli } from "../support/cli.js";

const scratch = () => mkdtempSync(join(tmpdir(), "portcullis-policy-qa-"));

describe("portcullis policy: bad input", () => {
  it("init into a missing folder is a usage error naming the file (was: internal error, exit 3)", async () => {
    const target = join(scratch(), "no", "policy.yaml");
    const r = await runCli(["policy", "init", target]);
    assert.equal(r.code, 2);
    assert.equal(
      r.stderr,
      `portcullis policy init: cannot write policy file ${target}: no such file or directory\n`,
    );
  });

  it("init --force onto a directory is a usage error, not internal", async () => {
    const dir = scratch();
    mkdirSync(join(dir, "sub"));
    const r = await runCli(["policy", "init", join(dir, "sub"), "--force"]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /is a directory/);
  });

  it("validate of a directory says so without a bogus :0:0 position", async () => {
    const dir = scratch();
    const r = await runCli(["policy", "validate", dir]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, new RegExp(`${dir}: cannot read policy file: is a directory`));
    assert.doesNotMatch(r.stderr, /:0:0/);
  });

  it("validate of a Dockerfile says what a policy is; of binary data, that it is binary content", async () => {
    const dir = scratch();
    writeFileSync(join(dir, "Dockerfile"), "FROM alpine:3.19\n");
    writeFileSync(join(dir, "bin"), Buffer.from([0, 1, 2, 0xff]));
    const docker = await runCli(["policy", "validate", join(dir, "Dockerfile")]);
    assert.equal(docker.code, 2);
    assert.match(
      docker.stderr,
      /:1:1: expected an ImagePolicy: a YAML mapping with apiVersion: portcullis\.dev\/v1alpha1/,
    );
    const bin = await runCli(["policy", "validate", join(dir, "bin")]);
    assert.equal(bin.code, 2);
    assert.match(bin.stderr, /bin:1:1: binary content \(a NUL byte\), not a text file/);
  });

  it("policy with no subcommand prints its help and exits 2 (was: exit 0)", async () => {
    const r = await runCli(["policy"]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /Usage: portcullis policy/);
  });

  it("names the subcommand in errors: 'portcullis policy validate: …'", async () => {
    const r = await runCli(["policy", "validate"]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^portcullis policy validate: --policy FILE is required/);
  });

  it("lists each vulnerabilities-rule mistake once, without the schema's 'must match \"else\" schema' noise", async () => {
    const dir = scratch();
    const file = join(dir, "policy.yaml");
    writeFileSync(
      file,
      `apiVersion: portcullis.dev/v1alpha1
kind: ImagePolicy
metadata: { name: qa }
spec:
  rules:
    vulnerabilities:
      maxSeverity: hgh
      ignore:
        - id: CVE-2021-44906
          expires: 2020-01-01
`,
    );
    const r = await runCli(["policy", "validate", "--policy", file]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /policy\.yaml:7:20: spec\.rules\.vulnerabilities\.maxSeverity: expected one of/);
    assert.match(
      r.stderr,
      /policy\.yaml:9:11: spec\.rules\.vulnerabilities\.ignore\.0: missing required field "reason"/,
    );
    assert.doesNotMatch(r.stderr, /must match "(else|then)" schema/);
    assert.equal(r.stderr.trim().split("\n").length, 3, r.stderr);
  });
});
