import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { buildReport, type Finding, type Report, reportChunks } from "../../src/report/index.js";
import { jsonChunks, LazyArray } from "../../src/report/json-stream.js";

/** V8's longest string (2^29 - 24 characters on 64-bit): one report string cannot be longer. */
const MAX_STRING = 2 ** 29 - 24;

function hugeReport(): Report {
  // One shared 1 M-character message: the findings stay small in memory, the report text does not.
  const message = "m".repeat(1 << 20);
  const findings: Finding[] = Array.from({ length: 560 }, (_, i) => ({
    rule: "image-tag-latest",
    severity: "high",
    message,
    location: { file: `deploy/${i % 7}.yaml`, line: i + 1, column: 3 },
  }));
  return buildReport({ toolVersion: "dev", findings, files: 7, objects: 560 });
}

describe("reports are written in pieces, never as one string", () => {
  // SARIF shares the JSON writer (results as a LazyArray); its pieces are checked below.
  for (const format of ["json", "junit"] as const) {
    it(`a ${format} report longer than the longest JavaScript string is produced piece by piece`, () => {
      let total = 0;
      let longest = 0;
      for (const chunk of reportChunks(hugeReport(), format, { color: false, quiet: true })) {
        total += chunk.length;
        longest = Math.max(longest, chunk.length);
      }
      assert.ok(total > MAX_STRING, `${format}: ${total} characters`);
      assert.ok(longest < 8 << 20, `${format}: a piece of ${longest} characters`);
    });
  }

  it("a sarif report comes as one piece per result, not as one string", () => {
    const report = hugeReport();
    report.findings = report.findings.slice(0, 40);
    const chunks = [...reportChunks(report, "sarif", { color: false, quiet: true })];
    const total = chunks.reduce((n, c) => n + c.length, 0);
    assert.ok(total > 40 << 20);
    assert.ok(Math.max(...chunks.map((c) => c.length)) < 2 << 20);
    const sarif = JSON.parse(chunks.join(""));
    assert.equal(sarif.runs[0].results.length, 40);
  });

  it("jsonChunks writes exactly what JSON.stringify(value, null, 2) writes", () => {
    const values: unknown[] = [
      { a: 1, b: [1, { c: "x\ny" }, [], {}], d: undefined, e: null, f: [undefined, () => 1] },
      [],
      {},
      "text",
      [[[[{ deep: [1, 2, { deeper: true }] }]]]],
      { date: new Date(0), nested: { list: [{ k: "v" }, { k: "w" }] } },
    ];
    for (const v of values) {
      for (const depth of [0, 1, 2, 5]) {
        assert.equal([...jsonChunks(v, "", depth)].join(""), JSON.stringify(v, null, 2), JSON.stringify(v));
      }
    }
  });

  it("a LazyArray is written as the array of the items it yields", () => {
    const lazy = {
      results: new LazyArray(function* () {
        yield { id: 1 };
        yield { id: 2, tags: ["a"] };
      }),
      empty: new LazyArray(() => []),
    };
    const text = [...jsonChunks(lazy)].join("");
    assert.equal(text, JSON.stringify({ results: [{ id: 1 }, { id: 2, tags: ["a"] }], empty: [] }, null, 2));
  });
});
