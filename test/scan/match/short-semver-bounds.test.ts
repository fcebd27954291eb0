/**
 * Range bounds that node-semver cannot read (`"fixed": "1"`, `"fixed": "0"`) and installed
 * versions such as `0.0.0.1` or `2.0.0rc2` are read tolerantly, as OSV consumers do, instead of
 * being skipped (a skipped `fixed` would leave the range open and report every later version).
 * The rows restate the npm cases of osv-scanner's IsAffected tests (single, multiple and unsorted
 * events, last_affected, several affected entries, zero bounds with pre-release strings).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { evaluateAffected } from "../../../src/scan/match/osv-affected.js";
import { compareSemverLike } from "../../../src/scan/match/semver-like.js";
import type { OsvAffected, OsvEvent } from "../../../src/vulndb/types.js";

const range = (...events: OsvEvent[]): OsvAffected => ({ ranges: [{ type: "ECOSYSTEM", events }] });

interface Row {
  name: string;
  affected: OsvAffected[];
  yes: string[];
  no: string[];
}

const ROWS: Row[] = [
  {
    name: "fixed 1 ends the range at 1.0.0",
    affected: [range({ introduced: "0" }, { fixed: "1" })],
    yes: ["0.0.0", "0.1.0", "0.0.0.1", "1.0.0-rc"],
    no: ["1.0.0", "1.1.0", "2.0.0"],
  },
  {
    name: "two intervals in one range with short bounds",
    affected: [range({ introduced: "0" }, { fixed: "1" }, { introduced: "2.1.0" }, { fixed: "3.2.0" })],
    yes: ["0.0.0", "0.0.0.1", "1.0.0-rc", "2.1.1", "2.3.4", "3.0.0", "3.0.0-rc"],
    no: ["1.0.0", "1.1.0", "2.0.0rc2", "2.0.1", "3.2.0", "3.2.1", "4.0.0"],
  },
  {
    name: "last_affected 1 includes 1.0.0 and nothing above",
    affected: [range({ introduced: "0" }, { last_affected: "1" })],
    yes: ["0.0.0", "0.1.0", "0.0.0.1", "1.0.0-rc", "1.0.0"],
    no: ["1.0.1", "1.1.0", "2.0.0"],
  },
  {
    name: "unsorted events with fixed 1 and last_affected",
    affected: [
      range({ introduced: "0" }, { introduced: "2.1.0" }, { fixed: "1" }, { last_affected: "3.1.9" }),
    ],
    yes: ["0.0.0", "0.0.0.1", "1.0.0-rc", "2.1.1", "3.0.0-rc", "3.1.9"],
    no: ["1.0.0", "2.0.0rc2", "2.0.1", "3.2.0", "4.0.0"],
  },
  {
    name: "several affected entries, one with last_affected",
    affected: [
      range({ introduced: "0" }, { fixed: "1" }),
      range({ introduced: "2.1.0" }, { fixed: "3.2.0" }),
      range({ introduced: "3.3.0" }, { last_affected: "3.5.0" }),
    ],
    yes: ["0.1.0", "1.0.0-rc", "2.1.1", "3.0.0-rc", "3.3.1", "3.4.5", "3.5.0"],
    no: ["1.0.0", "2.0.0rc2", "3.2.0", "3.5.1", "4.0.0"],
  },
  {
    name: "fixed 0 after a 0.0.0 pre-release introduced (pseudo-version bounds)",
    affected: [
      range({ fixed: "0.0.0-20220412211240-33da011f77ad" }, { introduced: "0" }),
      range({ introduced: "0.0.0-20180925071336-cf3bd585ca2a" }, { fixed: "0" }),
    ],
    yes: ["0.0.0-20180925071336-cf3bd585ca2a"],
    no: ["0.0.0", "0.14.0"],
  },
];

describe("short and four-part semver bounds are read, not skipped", () => {
  for (const row of ROWS) {
    it(`${row.name}`, () => {
      const hit = (v: string) =>
        row.affected.some((a) => evaluateAffected(a, v, { ecosystem: "semver", semver: "semver" }).affected);
      for (const v of row.yes) assert.equal(hit(v), true, `${v} should be affected`);
      for (const v of row.no) assert.equal(hit(v), false, `${v} should not be affected`);
    });
  }

  it("no event version is reported unreadable for such bounds", () => {
    const v = evaluateAffected(range({ introduced: "0" }, { fixed: "1" }), "0.5.0", {
      ecosystem: "semver",
      semver: "semver",
    });
    assert.deepEqual(v.unreadable, []);
    assert.deepEqual(v.fixed, ["1"]);
  });

  it("the tolerant order: missing components are 0, a suffix sorts before its release", () => {
    assert.equal(compareSemverLike("1", "1.0.0"), 0);
    assert.equal(compareSemverLike("v2", "1.9.9"), 1);
    assert.equal(compareSemverLike("0.0.0.1", "0.0.0"), -1);
    assert.equal(compareSemverLike("2.0.0rc2", "2.0.0"), -1);
    assert.equal(compareSemverLike("2.0.0rc2", "2.0.0rc10"), 1, "rc10 is one alphanumeric identifier");
    assert.equal(compareSemverLike("1.0.0-rc.2", "1.0.0-rc.10"), -1);
    assert.equal(compareSemverLike("1.0.0+build", "1.0.0"), 0);
  });

  it("an installed version that starts with no digit still skips the ranges", () => {
    const v = evaluateAffected(range({ introduced: "0" }), "weird~v", {
      ecosystem: "semver",
      semver: "semver",
    });
    assert.equal(v.affected, false);
  });
});
