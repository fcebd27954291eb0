/** `portcullis lint dockerfile` on binary and non-UTF-8 files, and `-` given twice. */
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { runCli } from "../support/cli.js";

interface JsonReport {
  findings: { rule: string }[];
  errors: { file: string; line?: number; message: string }[];
  summary: { files: number };
}

describe("portcullis lint dockerfile: bad inputs", () => {
  it("names binary and non-UTF-8 files with the line (was: 'unknown instruction' with raw bytes)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "portcullis-lint-df-qa-"));
    writeFileSync(join(dir, "bin.Dockerfile"), Buffer.from([0x46, 0x00, 0x01, 0xff]));
    writeFileSync(join(dir, "latin1.Dockerfile"), Buffer.from("FROM alpine:3.19\n# caf\xe9\n", "latin1"));
    writeFileSync(join(dir, "Dockerfile"), "FROM alpine:latest\n");
    const r = await runCli(["lint", "dockerfile", dir, "-f", "json"]);
    assert.equal(r.code, 2, r.stderr);
    const out = JSON.parse(r.stdout) as JsonReport;
    const byFile = new Map(out.errors.map((e) => [e.file.slice(dir.length + 1), e]));
    assert.match(byFile.get("bin.Dockerfile")?.message ?? "", /binary content/);
    assert.equal(byFile.get("latin1.Dockerfile")?.line, 2);
    assert.match(byFile.get("latin1.Dockerfile")?.message ?? "", /not UTF-8 text/);
    assert.doesNotMatch(r.stderr, /unknown instruction/);
    assert.ok(
      out.findings.some((f) => f.rule === "dockerfile-base-image-latest"),
      "the good one is linted",
    );
  });

  it("reads standard input once when - is given twice (was: a second, empty 'no FROM' error)", async () => {
    const r = await runCli(["lint", "dockerfile", "-", "-", "-f", "json"], { stdin: "FROM alpine:3.19\n" });
    const out = JSON.parse(r.stdout) as JsonReport;
    assert.deepEqual(out.errors, []);
    assert.equal(out.summary.files, 1);
  });
});
