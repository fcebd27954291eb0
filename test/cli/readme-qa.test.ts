import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import { runCli } from "../support/cli.js";
import { repoRoot } from "../support/shared.js";

describe("README quick start", () => {
  it("says next to the first command that the report is JSON when piped and a table on a terminal", () => {
    const readme = readFileSync(join(repoRoot, "README.md"), "utf8");
    const quick = readme.slice(readme.indexOf("## Quick start"));
    const lines = quick.split("\n");
    const first = lines.findIndex((l) => l.includes("portcullis lint k8s examples/"));
    assert.ok(first > 0, "the first command is in the quick start");
    assert.match(lines[first + 1], /table on a terminal and JSON when piped/);
  });

  it("and it is true: piped, the first command's report is JSON", async () => {
    const r = await runCli(["lint", "k8s", "examples/"]);
    assert.equal(r.code, 1, r.stderr);
    const report = JSON.parse(r.stdout);
    assert.ok(report.findings.length > 0);
  });
});
