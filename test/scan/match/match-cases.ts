/**
 * The hand-checked matching cases shared by the in-memory test (osv-records.test.ts) and the
 * SQLite/PostgreSQL test (real-store.test.ts): packages of the test images and the edge cases of
 * the OSV sample (shared/vectors/osv), the Alpine 3.18 secdb entries for busybox and openssl, and
 * the Debian bookworm tracker file (shared/vectors/vulndata/debian). Expected ids and fixed
 * versions were decided from the records with the reference orderings (node-semver, PEP 440, Go,
 * Maven, apk, dpkg) and checked by hand.
 */
import assert from "node:assert/strict";
import type { Package } from "../../../src/catalog/types.js";
import type { OsInfo } from "../../../src/image/os-release.js";
import type { VulnMatch } from "../../../src/scan/types.js";
import { pkg } from "../../support/match-packages.js";

export interface Row {
  os?: OsInfo;
  why: string;
  package: Package;
  /** primary id → fixed versions, every row for the package. */
  want: Record<string, string[]>;
  /** Extra checks on rows, by primary id. */
  check?: Record<
    string,
    Partial<Pick<VulnMatch, "severity" | "severitySource" | "aliases" | "status">> & { cvss?: number }
  >;
}

export const OSV_ROWS: Row[] = [
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

/** Assert one case's rows: primary id → fixed versions, plus the extra checks. */
export function assertRow(row: Row, vulnerabilities: readonly VulnMatch[]): void {
  const got = Object.fromEntries(vulnerabilities.map((v) => [v.id, v.fixedVersions]));
  assert.deepEqual(got, row.want);
  for (const [id, want] of Object.entries(row.check ?? {})) {
    const v = vulnerabilities.find((m) => m.id === id);
    assert.ok(v, id);
    const { cvss, ...rest } = want;
    for (const [k, value] of Object.entries(rest))
      assert.deepEqual(v[k as keyof VulnMatch], value, `${id} ${k}`);
    if (cvss !== undefined) assert.equal(v.cvss?.score, cvss, `${id} cvss`);
  }
  for (const v of vulnerabilities) assert.equal(v.package, row.package, "reported under the catalog package");
}

export const ALPINE_318: OsInfo = {
  family: "alpine",
  version: "3.18.3",
  prettyName: "Alpine Linux v3.18",
  idLike: [],
  source: "etc/os-release",
};
export const DEBIAN_12: OsInfo = {
  family: "debian",
  version: "12",
  versionCodename: "bookworm",
  prettyName: "Debian GNU/Linux 12 (bookworm)",
  idLike: [],
  source: "etc/os-release",
};

/** OS cases: Alpine secdb (busybox, openssl for v3.18) and the bookworm tracker file. */
export const DISTRO_ROWS: Row[] = [
  {
    why: "Alpine 3.18 busybox 1.36.1-r2: secdb fixes above it; 1.36.1-r1 is below",
    os: ALPINE_318,
    package: pkg("apk", "busybox", "1.36.1-r2", { source: { name: "busybox", version: "1.36.1-r2" } }),
    want: {
      "CVE-2023-42363": ["1.36.1-r7"],
      "CVE-2023-42364": ["1.36.1-r7"],
      "CVE-2023-42365": ["1.36.1-r7"],
      "CVE-2023-42366": ["1.36.1-r6"],
    },
  },
  {
    why: "Alpine 3.18 libcrypto3 3.1.2-r0 matched through its origin openssl, reported as libcrypto3",
    os: ALPINE_318,
    package: pkg("apk", "libcrypto3", "3.1.2-r0", { source: { name: "openssl", version: "3.1.2-r0" } }),
    want: {
      "CVE-2023-5363": ["3.1.4-r0"],
      "CVE-2023-5678": ["3.1.4-r1"],
      "CVE-2023-6129": ["3.1.4-r3"],
      "CVE-2023-6237": ["3.1.4-r4"],
    },
  },
  {
    why: "Debian 12 apt: open, unimportant → negligible, no fix",
    os: DEBIAN_12,
    package: pkg("deb", "apt", "2.6.1", { source: { name: "apt", version: "2.6.1" } }),
    want: { "CVE-2011-3374": [] },
    check: { "CVE-2011-3374": { severity: "negligible", severitySource: "debian-urgency", status: "open" } },
  },
  {
    why: "Debian 12 libsystemd0 matched by source systemd; urgency not yet assigned → unknown",
    os: DEBIAN_12,
    package: pkg("deb", "libsystemd0", "252.39-1~deb12u2", {
      source: { name: "systemd", version: "252.39-1~deb12u2" },
    }),
    want: { "CVE-2023-7008": [] },
    check: { "CVE-2023-7008": { severity: "unknown" } },
  },
  {
    why: "Debian 12 coreutils with a binNMU version and no Source version: +b1 stripped",
    os: DEBIAN_12,
    package: pkg("deb", "coreutils", "9.1-1+b1"),
    want: { "CVE-2016-2781": [] },
    check: { "CVE-2016-2781": { severity: "low" } },
  },
  {
    why: 'Debian 12 liblzma5 (xz-utils): fixed_version "0" (not affected) never matches',
    os: DEBIAN_12,
    package: pkg("deb", "liblzma5", "5.4.1-1", { source: { name: "xz-utils", version: "5.4.1-1" } }),
    want: {},
  },
];
