import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { buildReport, type Finding, renderReport } from "../../src/report/index.js";
import { tableChunks, wrapText } from "../../src/report/table.js";

const long =
  "the final image is built on python:3.12, a full language image with compilers and shells; use python:<version>-slim, or gcr.io/distroless/python3-debian12, which keep the attack surface small";

const findings: Finding[] = [
  {
    rule: "dockerfile-apt-no-install-recommends",
    hadolint: "DL3015",
    severity: "low",
    message: long,
    fix: `apt-get install -y --no-install-recommends <packages> ${"and more words ".repeat(8)}`,
    location: { file: "build/Dockerfile", line: 11, column: 23 },
  },
  {
    rule: "container-cpu-limit-missing",
    severity: "low",
    message: long,
    location: { file: "deploy/web.yaml", line: 19, column: 11 },
    object: { apiVersion: "apps/v1", kind: "Deployment", namespace: "default", name: "web" },
    container: "app",
  },
];

describe("table report", () => {
  const text = renderReport(buildReport({ toolVersion: "dev", findings, files: 2, objects: 1 }), "table", {
    color: false,
    quiet: false,
  });

  it("shows the hadolint id of a Dockerfile finding next to its rule id", () => {
    assert.match(text, /dockerfile-apt-no-install-recommends \(DL3015\)/);
  });

  it("wraps long messages and fixes so every line fits 100 columns", () => {
    for (const line of text.split("\n")) assert.ok(line.length <= 100, `${line.length}: ${line}`);
    // Nothing lost in wrapping: the words of the message are all there, in order.
    const words = text.split(/\s+/).join(" ");
    assert.ok(words.includes(long), "the message survives wrapping word for word");
  });

  it("wrapText never breaks a word and starts on the next line when the first has no room", () => {
    assert.deepEqual(wrapText("a b c", 10, 10), ["a b c"]);
    const lines = wrapText(`${"word ".repeat(40)}end`, 90, 20);
    assert.equal(lines[0], "");
    for (const l of lines.slice(1)) assert.ok(l.length <= 80);
    assert.equal(lines.join(" ").trim(), `${"word ".repeat(40)}end`);
  });

  it("comes in pieces, one per object group, that add up to the whole table", () => {
    const report = buildReport({ toolVersion: "dev", findings, files: 2, objects: 1 });
    const pieces = [...tableChunks(report, { color: false, quiet: false })];
    assert.ok(pieces.length >= 3, `${pieces.length} pieces`);
    assert.equal(pieces.join(""), text);
  });
});
