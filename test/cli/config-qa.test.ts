import assert from "node:assert/strict";
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
