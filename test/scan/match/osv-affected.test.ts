/**
 * OSV `affected` evaluation, one row per rule of the schema's evaluation section: introduced /
 * fixed / last_affected / limit, events out of order, several ranges, `introduced: "0"`, versions
 * lists, GIT ranges, empty fixed events, unreadable event versions.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { evaluateAffected } from "../../../src/scan/match/osv-affected.js";
import type { OsvAffected, OsvEvent } from "../../../src/vulndb/types.js";

const eco = (events: OsvEvent[], type = "ECOSYSTEM"): OsvAffected => ({ ranges: [{ type, events }] });

interface Row {
  name: string;
  affected: OsvAffected;
  scheme: string;
  version: string;
  want: boolean;
  fixed?: string[];
}

const ROWS: Row[] = [
  {
    name: "below introduced",
    affected: eco([{ introduced: "1.0.0" }, { fixed: "1.2.0" }]),
    scheme: "semver",
    version: "0.9.0",
    want: false,
  },
  {
    name: "at introduced",
    affected: eco([{ introduced: "1.0.0" }, { fixed: "1.2.0" }]),
    scheme: "semver",
    version: "1.0.0",
    want: true,
    fixed: ["1.2.0"],
  },
  {
    name: "just below fixed",
    affected: eco([{ introduced: "1.0.0" }, { fixed: "1.2.0" }]),
    scheme: "semver",
    version: "1.1.9",
    want: true,
    fixed: ["1.2.0"],
  },
  {
    name: "at fixed",
    affected: eco([{ introduced: "1.0.0" }, { fixed: "1.2.0" }]),
    scheme: "semver",
    version: "1.2.0",
    want: false,
  },
  {
    name: "introduced 0 covers everything below fixed",
    affected: eco([{ introduced: "0" }, { fixed: "2.0.0" }]),
    scheme: "semver",
    version: "0.0.1",
    want: true,
    fixed: ["2.0.0"],
  },
  {
    name: "pre-release before the fix",
    affected: eco([{ introduced: "0" }, { fixed: "2.0.0" }]),
    scheme: "semver",
    version: "2.0.0-rc.1",
    want: true,
    fixed: ["2.0.0"],
  },
  {
    name: "at last_affected",
    affected: eco([{ introduced: "0" }, { last_affected: "1.2.17" }]),
    scheme: "maven",
    version: "1.2.17",
    want: true,
    fixed: [],
  },
  {
    name: "above last_affected",
    affected: eco([{ introduced: "0" }, { last_affected: "1.2.17" }]),
    scheme: "maven",
    version: "1.2.18",
    want: false,
  },
  {
    name: "no end event: every later version",
    affected: eco([{ introduced: "2.0" }]),
    scheme: "pep440",
    version: "99.0",
    want: true,
    fixed: [],
  },
  {
    name: "empty fixed ignored (open range)",
    affected: eco([{ introduced: "0.0.0" }, { fixed: "" }]),
    scheme: "semver",
    version: "5.0.0",
    want: true,
    fixed: [],
  },
  {
    name: "events out of order are sorted first",
    affected: eco([{ fixed: "1.5.0" }, { introduced: "2.0.0" }, { introduced: "1.0.0" }, { fixed: "2.1.0" }]),
    scheme: "semver",
    version: "1.7.0",
    want: false,
  },
  {
    name: "second interval of one range, with its own fix",
    affected: eco([{ introduced: "1.0.0" }, { fixed: "1.5.0" }, { introduced: "2.0.0" }, { fixed: "2.1.0" }]),
    scheme: "semver",
    version: "2.0.5",
    want: true,
    fixed: ["2.1.0"],
  },
  {
    name: "several ranges: the one it falls in gives the fix",
    affected: {
      ranges: [
        { type: "ECOSYSTEM", events: [{ introduced: "0" }, { fixed: "6.2.4" }] },
        { type: "ECOSYSTEM", events: [{ introduced: "6.3.0" }, { fixed: "6.3.3" }] },
      ],
    },
    scheme: "semver",
    version: "6.3.1",
    want: true,
    fixed: ["6.3.3"],
  },
  {
    name: "limit cuts the range",
    affected: eco([{ introduced: "0" }, { limit: "3.0.0" }]),
    scheme: "semver",
    version: "3.0.0",
    want: false,
  },
  {
    name: "below limit",
    affected: eco([{ introduced: "0" }, { limit: "3.0.0" }]),
    scheme: "semver",
    version: "2.9.9",
    want: true,
    fixed: [],
  },
  {
    name: "limit * is no limit",
    affected: eco([{ introduced: "0" }, { limit: "*" }]),
    scheme: "semver",
    version: "9.0.0",
    want: true,
    fixed: [],
  },
  {
    name: "limit * beside a version limit: no cut-off (below any limit, and * is infinite)",
    affected: eco([{ introduced: "0" }, { limit: "3.0.0" }, { limit: "*" }]),
    scheme: "semver",
    version: "9.0.0",
    want: true,
    fixed: [],
  },
  {
    name: "two limits: below either is inside",
    affected: eco([{ introduced: "0" }, { limit: "3.0.0" }, { limit: "5.0.0" }]),
    scheme: "semver",
    version: "4.0.0",
    want: true,
    fixed: [],
  },
  {
    name: "versions list: listed",
    affected: { versions: ["0.3.1"] },
    scheme: "semver",
    version: "0.3.1",
    want: true,
    fixed: [],
  },
  {
    name: "versions list: not listed",
    affected: { versions: ["0.3.1"] },
    scheme: "semver",
    version: "0.3.2",
    want: false,
  },
  {
    name: "versions list compares in the ecosystem (1.0 = 1.0.0 in PEP 440)",
    affected: { versions: ["1.0"] },
    scheme: "pep440",
    version: "1.0.0",
    want: true,
    fixed: [],
  },
  {
    name: "GIT range ignored for a versioned package",
    affected: {
      ranges: [
        { type: "GIT", repo: "https://example.com/r", events: [{ introduced: "0" }, { fixed: "abc123" }] },
      ],
    },
    scheme: "pep440",
    version: "1.0",
    want: false,
  },
  {
    name: "GIT range beside a versions list: the list applies",
    affected: {
      ranges: [{ type: "GIT", repo: "https://example.com/r", events: [{ introduced: "0" }] }],
      versions: ["1.0"],
    },
    scheme: "pep440",
    version: "1.0",
    want: true,
    fixed: [],
  },
  {
    name: "dpkg epochs in order",
    affected: eco([{ introduced: "0" }, { fixed: "1:2.0-1" }]),
    scheme: "dpkg",
    version: "3.0-1",
    want: true,
    fixed: ["1:2.0-1"],
  },
  {
    name: "apk revision order (-r10 > -r2)",
    affected: eco([{ introduced: "0" }, { fixed: "1.36.1-r10" }]),
    scheme: "apk",
    version: "1.36.1-r2",
    want: true,
    fixed: ["1.36.1-r10"],
  },
];

describe("evaluateAffected follows the OSV evaluation rules", () => {
  for (const row of ROWS) {
    it(`${row.name}: ${row.version} → ${row.want ? "affected" : "not affected"}`, () => {
      const v = evaluateAffected(row.affected, row.version, { ecosystem: row.scheme, semver: "semver" });
      assert.equal(v.affected, row.want);
      if (row.fixed) assert.deepEqual(v.fixed, row.fixed);
    });
  }

  it("SEMVER ranges use the SEMVER scheme given (Go reads v-less OSV versions against v-versions)", () => {
    const a = eco([{ introduced: "0" }, { fixed: "0.3.7" }], "SEMVER");
    assert.equal(evaluateAffected(a, "v0.3.6", { ecosystem: "go", semver: "go" }).affected, true);
    assert.equal(evaluateAffected(a, "v0.3.7", { ecosystem: "go", semver: "go" }).affected, false);
  });

  it("an unreadable event version is skipped and reported", () => {
    const v = evaluateAffected(eco([{ introduced: "0" }, { fixed: "not a version!" }]), "1.0.0", {
      ecosystem: "semver",
      semver: "semver",
    });
    assert.equal(v.affected, true);
    assert.deepEqual(v.unreadable, ["not a version!"]);
  });

  it("an installed version the scheme cannot read skips ranges but still meets a versions list", () => {
    const a: OsvAffected = {
      ranges: [{ type: "ECOSYSTEM", events: [{ introduced: "0" }] }],
      versions: ["weird~v"],
    };
    assert.equal(evaluateAffected(a, "weird~v", { ecosystem: "semver", semver: "semver" }).affected, true);
    assert.equal(evaluateAffected(a, "other~v", { ecosystem: "semver", semver: "semver" }).affected, false);
  });
});
