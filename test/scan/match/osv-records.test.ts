/**
 * matchPackages against the 299 real OSV records of shared/vectors/osv, for the packages of the
 * test images (express 4.17.1 and its dependencies, Debian's Python packages and Go modules) and the
 * edge cases the sample's README lists. Expected ids and fixed versions were decided from the
 * records' ranges with the reference orderings (node-semver, PEP 440, Go, Maven) and checked by hand.
 */
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import type { Package } from "../../../src/catalog/types.js";
import { matchPackages } from "../../../src/scan/match/index.js";
import type { MatchResult, VulnMatch } from "../../../src/scan/types.js";
import { pkg } from "../../support/match-packages.js";
import { MemoryVulnStore, readOsvDir } from "../../support/memory-vuln-store.js";
import { SKIP_NO_SHARED, vectorPath } from "../../support/shared.js";

const dir = vectorPath("osv", "records");

interface Row {
  why: string;
  package: Package;
  /** primary id → fixed versions, every row for the package. */
  want: Record<string, string[]>;
  /** Extra checks on rows, by primary id. */
  check?: Record<
    string,
    Partial<Pick<VulnMatch, "severity" | "severitySource" | "aliases">> & { cvss?: number }
  >;
}

const ROWS: Row[] = [
  {
    why: "express 4.17.1 (app image): two GHSA records, CVE primary ids",
    package: pkg("npm", "express", "4.17.1"),
    want: { "CVE-2024-29041": ["4.19.2"], "CVE-2024-43796": ["4.20.0"] },
    check: {
      "CVE-2024-29041": { aliases: ["GHSA-rv95-896h-c2vc"], severity: "medium", severitySource: "ghsa" },
    },
  },
  {
    why: "qs 6.7.0: the one of nine ranges it falls in gives the fix",
    package: pkg("npm", "qs", "6.7.0"),
    want: { "CVE-2022-24999": ["6.7.3"] },
  },
  {
    why: "body-parser 1.19.0: record with CVSS v3 and v4 vectors; GHSA rating wins, v3.1 score reported",
    package: pkg("npm", "body-parser", "1.19.0"),
    want: { "CVE-2024-45590": ["1.20.3"] },
    check: { "CVE-2024-45590": { severity: "high", severitySource: "ghsa", cvss: 7.5 } },
  },
  { why: "body-parser 1.20.3 is the fix", package: pkg("npm", "body-parser", "1.20.3"), want: {} },
  {
    why: "requests 2.28.1: PYSEC and GHSA records merged into one CVE row",
    package: pkg("pypi", "requests", "2.28.1"),
    want: { "CVE-2023-32681": ["2.31.0"] },
    check: { "CVE-2023-32681": { aliases: ["GHSA-j8r2-6x86-q33q", "PYSEC-2023-74"] } },
  },
  {
    why: "urllib3 1.26.12: PYSEC with a CVSS v3 vector scored",
    package: pkg("pypi", "urllib3", "1.26.12"),
    want: { "CVE-2023-43804": ["1.26.17"], "CVE-2023-45803": ["1.26.18"] },
    check: { "CVE-2023-43804": { severity: "high", severitySource: "cvss-v3.1", cvss: 8.1 } },
  },
  {
    why: "PyYAML 5.3 (PEP 503: records say pyyaml)",
    package: pkg("pypi", "PyYAML", "5.3"),
    want: { "CVE-2020-1747": ["5.3.1"], "CVE-2020-14343": ["5.4"] },
  },
  { why: "PyYAML 6.0 (Debian bookworm) has none", package: pkg("pypi", "PyYAML", "6.0"), want: {} },
  {
    why: "golang.org/x/net v0.7.0 (app binary): GO records with v-less SEMVER events",
    package: pkg("golang", "golang.org/x/net", "v0.7.0"),
    want: {
      "CVE-2023-3978": ["0.13.0"],
      "CVE-2023-39325": ["0.17.0"],
      "CVE-2023-45288": ["0.23.0"],
      "CVE-2024-45338": ["0.33.0"],
      "CVE-2025-22870": ["0.36.0"],
      "CVE-2025-22872": ["0.38.0"],
      "CVE-2025-47911": ["0.45.0"],
      "CVE-2025-58190": ["0.45.0"],
      "CVE-2026-25680": ["0.55.0"],
      "CVE-2026-25681": ["0.55.0"],
      "CVE-2026-27136": ["0.55.0"],
      "CVE-2026-33814": ["0.53.0"],
      "CVE-2026-39821": ["0.55.0"],
      "CVE-2026-42502": ["0.55.0"],
      "CVE-2026-42506": ["0.55.0"],
      "CVE-2026-46600": ["0.56.0"],
    },
  },
  {
    why: "log4j:log4j 1.2.17: last_affected ranges (no fix)",
    package: pkg("maven", "log4j", "1.2.17", { metadata: { groupId: "log4j" } }),
    want: { "CVE-2021-4104": [], "CVE-2022-23302": [], "CVE-2022-23305": [], "CVE-2022-23307": [] },
    check: { "CVE-2022-23305": { severity: "critical" } },
  },
  {
    why: "codify 0.3.1: a versions-only record",
    package: pkg("npm", "codify", "0.3.1"),
    want: { "GHSA-2q6w-rxf3-4wc9": [] },
  },
  { why: "codify 0.3.2 is not listed", package: pkg("npm", "codify", "0.3.2"), want: {} },
  {
    why: "wenluhong1: a range with no end event",
    package: pkg("npm", "wenluhong1", "99.0.0"),
    want: { "GHSA-224h-p7p5-rh85": [] },
  },
  {
    why: 'cal_rd: "fixed": "" tolerated (open range)',
    package: pkg("npm", "cal_rd", "1.0.0"),
    want: { "GHSA-226w-6hhj-69hp": [] },
  },
  {
    why: "ember-power-timepicker 1.0.8: fixed below introduced, plus a versions list",
    package: pkg("npm", "ember-power-timepicker", "1.0.8"),
    want: { "GHSA-28f8-hqmc-7ph8": [] },
  },
  {
    why: "ember-power-timepicker 1.0.7 is below both events",
    package: pkg("npm", "ember-power-timepicker", "1.0.7"),
    want: {},
  },
  {
    why: "gorilla/sessions: only record is withdrawn GO-2024-2730",
    package: pkg("golang", "github.com/gorilla/sessions", "v1.2.1"),
    want: {},
  },
];

describe("matchPackages on the real OSV sample", { skip: dir ? false : SKIP_NO_SHARED }, () => {
  const store = new MemoryVulnStore();
  before(() => {
    for (const r of readOsvDir(dir as string)) store.add(r);
  });

  for (const row of ROWS) {
    it(`${row.why}`, async () => {
      const { vulnerabilities } = await matchPackages(store, { packages: [row.package] });
      const got = Object.fromEntries(vulnerabilities.map((v) => [v.id, v.fixedVersions]));
      assert.deepEqual(got, row.want);
      for (const [id, want] of Object.entries(row.check ?? {})) {
        const v = vulnerabilities.find((m) => m.id === id);
        assert.ok(v, id);
        const { cvss, ...rest } = want;
        for (const [k, value] of Object.entries(rest))
          assert.deepEqual(v[k as keyof VulnMatch], value, `${id} ${k}`);
        if (cvss !== undefined) assert.equal(v.cvss?.score, cvss, `${id} cvss`);
        assert.equal(v.package, row.package, "reported under the catalog package");
      }
    });
  }

  it("says which withdrawn records it ignored", async () => {
    const r: MatchResult = await matchPackages(store, {
      packages: [pkg("golang", "github.com/gorilla/sessions", "v1.2.1")],
    });
    assert.deepEqual(r.vulnerabilities, []);
    assert.ok(
      r.notes.some((n) => n.message.includes("GO-2024-2730")),
      JSON.stringify(r.notes),
    );
  });

  it("matches the Go standard library at the binary's Go version, with go1.x and v1.x alike", async () => {
    const a = await matchPackages(store, { packages: [pkg("golang", "stdlib", "v1.20.1")] });
    const ids = a.vulnerabilities.map((v) => v.id);
    // GO-2023-1752 (CVE-2023-24540): introduced 0, fixed 1.19.9; introduced 1.20.0, fixed 1.20.4.
    assert.ok(ids.includes("CVE-2023-24540"));
    assert.deepEqual(a.vulnerabilities.find((v) => v.id === "CVE-2023-24540")?.fixedVersions, ["1.20.4"]);
    const b = await matchPackages(store, { packages: [pkg("golang", "stdlib", "v1.20.4")] });
    assert.ok(!b.vulnerabilities.some((v) => v.id === "CVE-2023-24540"), "1.20.4 is the fix");
    const rc = await matchPackages(store, { packages: [pkg("golang", "stdlib", "v1.20rc2")] });
    assert.ok(rc.vulnerabilities.length > 0, "a toolchain pre-release is read, not skipped");
  });

  it("one row per vulnerability per package, one look-up per ecosystem", async () => {
    const before = store.lookups;
    const r = await matchPackages(store, {
      packages: [
        pkg("npm", "express", "4.17.1"),
        pkg("npm", "qs", "6.7.0"),
        pkg("pypi", "requests", "2.28.1"),
      ],
    });
    assert.equal(store.lookups - before, 2);
    const keys = r.vulnerabilities.map((v) => `${v.package.name} ${v.id}`);
    assert.equal(new Set(keys).size, keys.length);
    assert.deepEqual(
      r.vulnerabilities.map((v) => v.package.name),
      ["express", "express", "qs", "requests"],
      "rows in package order",
    );
  });

  it("an ecosystem with no data is a note, not a silent empty result", async () => {
    const r = await matchPackages(store, { packages: [pkg("gem", "rails", "6.0.0")] });
    assert.deepEqual(r.vulnerabilities, []);
    assert.ok(
      r.notes.some((n) => n.level === "warning" && n.message.includes("RubyGems")),
      JSON.stringify(r.notes),
    );
  });
});
