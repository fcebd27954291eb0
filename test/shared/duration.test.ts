/**
 * One duration grammar (src/shared/duration.ts) for CLI flags, retention ages, `--since` and the
 * policy's `maxAge`: the same text is the same length of time everywhere; only what a bare
 * number means is the caller's (seconds for flags, days for ages, not a duration otherwise).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseSince } from "../../src/audit/since.js";
import { parseDuration } from "../../src/cli/option-values.js";
import { parseAge } from "../../src/cli/verbs/registry.js";
import { durationMs } from "../../src/shared/duration.js";

const TABLE: [string, number | undefined][] = [
  ["500ms", 500],
  ["30s", 30_000],
  ["90m", 5_400_000],
  ["24h", 86_400_000],
  ["7d", 604_800_000],
  ["2w", 1_209_600_000],
  ["1.5h", 5_400_000],
  [" 7 d ", 604_800_000],
  ["12", undefined],
  ["soon", undefined],
  ["5 minutes", undefined],
  ["-1h", undefined],
  ["7D", undefined],
];

describe("one duration grammar", () => {
  for (const [text, ms] of TABLE) {
    it(`${JSON.stringify(text)} is ${ms === undefined ? "not a duration" : `${ms} ms`} without a bare unit`, () => {
      assert.equal(durationMs(text), ms);
    });
  }

  it("a bare number is in the caller's unit: seconds for flags, days for retention ages", () => {
    assert.equal(durationMs("12", "s"), 12_000);
    assert.equal(parseDuration("12", "--timeout"), 12_000);
    assert.equal(durationMs("12", "d"), 12 * 86_400_000);
    assert.equal(parseAge("12"), 12 * 86_400_000);
  });

  it("a flag, a retention age and --since read the same text as the same time", () => {
    const now = new Date("2026-12-04T06:00:00Z");
    for (const [text, ms] of TABLE) {
      if (ms === undefined) continue;
      assert.equal(parseDuration(text, "--timeout"), ms, `flag ${text}`);
      assert.equal(parseAge(text), ms, `age ${text}`);
      assert.equal(parseSince(text, now)?.getTime(), now.getTime() - ms, `--since ${text}`);
    }
  });
});
