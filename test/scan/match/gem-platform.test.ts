/**
 * RubyGems platform suffixes: a platform gem (`nokogiri 1.13.9-x86_64-linux` from Gemfile.lock or
 * an SBOM) is matched at its release version. Rows restate Trivy's RubyGems comparer cases
 * ("hyphen": 1.9.25-x86-mingw32 is patched by >= 1.9.24; "pessimistic": 1.8.6-java is patched by
 * ~> 1.5.5, ~> 1.6.8, >= 1.7.7, i.e. affected only below 1.5.5, in [1.6, 1.6.8) and [1.7, 1.7.7)).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { matchPackages } from "../../../src/scan/match/index.js";
import type { OsvEvent } from "../../../src/vulndb/types.js";
import { osvRecord, pkg } from "../../support/match-packages.js";
import { MemoryVulnStore } from "../../support/memory-vuln-store.js";

const gemRecord = (name: string, ...ranges: OsvEvent[][]) =>
  osvRecord("GHSA-test-gem0-0000", [
    {
      package: { ecosystem: "RubyGems", name },
      ranges: ranges.map((events) => ({ type: "ECOSYSTEM", events })),
    },
  ]);

const ROWS: { name: string; gem: string; version: string; ranges: OsvEvent[][]; want: boolean }[] = [
  {
    name: "x86_64-linux build below the fix is affected",
    gem: "nokogiri",
    version: "1.13.9-x86_64-linux",
    ranges: [[{ introduced: "0" }, { fixed: "1.13.10" }]],
    want: true,
  },
  {
    name: "x86_64-linux build at the fix is not",
    gem: "nokogiri",
    version: "1.13.10-x86_64-linux",
    ranges: [[{ introduced: "0" }, { fixed: "1.13.10" }]],
    want: false,
  },
  {
    name: "Trivy 'hyphen': 1.9.25-x86-mingw32, patched >= 1.9.24",
    gem: "nokogiri",
    version: "1.9.25-x86-mingw32",
    ranges: [[{ introduced: "0" }, { fixed: "1.9.24" }]],
    want: false,
  },
  {
    name: "Trivy 'pessimistic': 1.8.6-java outside every affected interval",
    gem: "json",
    version: "1.8.6-java",
    ranges: [
      [{ introduced: "0" }, { fixed: "1.5.5" }],
      [{ introduced: "1.6.0" }, { fixed: "1.6.8" }],
      [{ introduced: "1.7.0" }, { fixed: "1.7.7" }],
    ],
    want: false,
  },
  {
    name: "java build inside an affected interval",
    gem: "json",
    version: "1.7.6-java",
    ranges: [[{ introduced: "1.7.0" }, { fixed: "1.7.7" }]],
    want: true,
  },
  {
    name: "a pre-release (1.2.3.a) is below its release",
    gem: "rack",
    version: "1.2.3.a",
    ranges: [[{ introduced: "0" }, { fixed: "1.2.3" }]],
    want: true,
  },
];

describe("RubyGems platform suffixes are not part of the version", () => {
  for (const row of ROWS) {
    it(row.name, async () => {
      const store = new MemoryVulnStore().add(gemRecord(row.gem, ...row.ranges));
      const r = await matchPackages(store, { packages: [pkg("gem", row.gem, row.version)] });
      assert.equal(r.vulnerabilities.length, row.want ? 1 : 0, JSON.stringify(r));
      if (row.want) assert.equal(r.vulnerabilities[0].package.version, row.version, "reported as installed");
      assert.ok(!r.notes.some((n) => n.message.includes("not readable")), "the version was readable");
    });
  }
});
