/**
 * CVSS base scores against published values (the v3.1 specification's examples as NVD scores them,
 * GitHub's v4.0 scores for CVE-2024-45590) and the choice between severity sources.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { chooseSeverity, debianUrgencySeverity } from "../../../src/scan/severity/choose.js";
import { cvssBaseScore, cvssRating } from "../../../src/scan/severity/cvss.js";
import type { OsvAffected, OsvRecord } from "../../../src/vulndb/types.js";

const SCORES: [string, number | undefined][] = [
  ["CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8],
  ["CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N", 6.1],
  ["CVSS:3.0/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", 9.8],
  ["CVSS:3.1/AV:L/AC:L/PR:H/UI:N/S:U/C:H/I:H/A:H", 6.7],
  ["CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:N", 0],
  ["CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N", 9.3],
  ["CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:N/VI:N/VA:H/SC:N/SI:N/SA:N", 8.7],
  ["AV:N/AC:L/Au:N/C:P/I:P/A:P", 7.5],
  ["CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H", undefined],
  ["CVSS:3.1/AV:X/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H", undefined],
  ["not a vector", undefined],
];

describe("cvssBaseScore", () => {
  for (const [vector, want] of SCORES) {
    it(`${vector} → ${want ?? "no score"}`, () => {
      assert.equal(cvssBaseScore(vector)?.score, want);
    });
  }
  it("rates scores by each specification's bands", () => {
    assert.equal(cvssRating("3.1", 9.0), "critical");
    assert.equal(cvssRating("3.1", 8.9), "high");
    assert.equal(cvssRating("4.0", 4.0), "medium");
    assert.equal(cvssRating("3.1", 0.1), "low");
    assert.equal(cvssRating("3.1", 0), "negligible");
    assert.equal(cvssRating("2.0", 10), "high", "v2 has no critical band");
  });
});

describe("Debian urgency", () => {
  const ROWS: [string, string | undefined][] = [
    ["unimportant", "negligible"],
    ["low", "low"],
    ["medium**", "medium"],
    ["high", "high"],
    ["not yet assigned", undefined],
    ["end-of-life", undefined],
  ];
  for (const [u, want] of ROWS)
    it(`${u} → ${want ?? "no rating"}`, () => assert.equal(debianUrgencySeverity(u), want));
});

describe("chooseSeverity", () => {
  const rec = (extra: Partial<OsvRecord>): OsvRecord => ({ id: "CVE-2024-1", modified: "", ...extra });
  const aff: OsvAffected = {};
  const v3 = { type: "CVSS_V3", score: "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H" }; // 7.5
  const v4 = { type: "CVSS_V4", score: "CVSS:4.0/AV:N/AC:L/AT:N/PR:N/UI:N/VC:H/VI:H/VA:H/SC:N/SI:N/SA:N" }; // 9.3

  it("Debian urgency first for OS packages, with the CVSS vector kept beside it", () => {
    const c = chooseSeverity([
      {
        record: rec({ severity: [v3] }),
        affected: { database_specific: { urgency: "unimportant" } },
        distro: true,
      },
    ]);
    assert.deepEqual([c.severity, c.severitySource, c.cvss?.score], ["negligible", "debian-urgency", 7.5]);
  });
  it("a distribution rating does not apply to a language package", () => {
    const c = chooseSeverity([
      { record: rec({ severity: [v3] }), affected: { database_specific: { urgency: "low" } }, distro: false },
    ]);
    assert.deepEqual([c.severity, c.severitySource], ["high", "cvss-v3.1"]);
  });
  it("GHSA's label before computed scores", () => {
    const c = chooseSeverity([
      {
        record: rec({ id: "GHSA-x", severity: [v3], database_specific: { severity: "MODERATE" } }),
        affected: aff,
        distro: false,
      },
    ]);
    assert.deepEqual([c.severity, c.severitySource], ["medium", "ghsa"]);
  });
  it("a database_specific.severity of a non-GHSA feed is not GitHub's rating", () => {
    const c = chooseSeverity([
      {
        record: rec({ database_specific: { severity: "LOW" } }),
        affected: aff,
        distro: false,
        source: "osv",
      },
    ]);
    assert.equal(c.severity, "unknown");
  });
  it("CVSS v3 before v4 when both are given", () => {
    const c = chooseSeverity([{ record: rec({ severity: [v4, v3] }), affected: aff, distro: false }]);
    assert.deepEqual([c.severity, c.severitySource, c.cvss?.version], ["high", "cvss-v3.1", "3.1"]);
  });
  it("v4 alone is scored", () => {
    const c = chooseSeverity([{ record: rec({ severity: [v4] }), affected: aff, distro: false }]);
    assert.deepEqual([c.severity, c.severitySource, c.cvss?.score], ["critical", "cvss-v4.0", 9.3]);
  });
  it("Ubuntu priority for Ubuntu records", () => {
    const c = chooseSeverity([
      { record: rec({ severity: [{ type: "Ubuntu", score: "medium" }] }), affected: aff, distro: true },
    ]);
    assert.deepEqual([c.severity, c.severitySource], ["medium", "ubuntu-priority"]);
  });
  it("AlmaLinux / Rocky errata impact (`Moderate: …`) before NVD's vector (Trivy almalinux-8: MEDIUM, alma)", () => {
    const nvdHigh = { type: "CVSS_V3", score: "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:N/A:H" };
    for (const [ecosystem, summary, want] of [
      ["AlmaLinux:8", "Moderate: openssl security update", "medium"],
      ["Rocky Linux:8", "Important: kernel security update", "high"],
      ["Rocky Linux:9", "Low: curl security update", "low"],
      ["AlmaLinux:9", "Critical: firefox security update", "critical"],
    ]) {
      const c = chooseSeverity([
        {
          record: rec({ summary, severity: [nvdHigh] }),
          affected: { package: { ecosystem, name: "p" } },
          distro: true,
        },
      ]);
      assert.deepEqual([c.severity, c.severitySource, c.cvss?.score], [want, "errata-impact", 7.4]);
    }
  });
  it("an errata-like summary outside AlmaLinux / Rocky is not a rating", () => {
    const c = chooseSeverity([
      {
        record: rec({ summary: "Moderate: something" }),
        affected: { package: { ecosystem: "npm", name: "p" } },
        distro: false,
      },
    ]);
    assert.equal(c.severity, "unknown");
  });
  it("unknown when nothing rates it", () => {
    assert.deepEqual(chooseSeverity([{ record: rec({}), affected: aff, distro: false }]), {
      severity: "unknown",
    });
  });
});
