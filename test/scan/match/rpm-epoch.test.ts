/**
 * rpm epochs in AlmaLinux / Rocky Linux matching: an epoch counts only when both the installed
 * version and the advisory's bound state one. AlmaLinux's OSV advisories write
 * `"fixed": "1.1.1k-12.el8_9"` for openssl, whose packages are installed as `1:1.1.1k-…`; compared
 * with the epoch, every such advisory would look fixed. Trivy's own data carries the epoch on
 * both sides (its almalinux-8 case: openssl-libs 1:1.1.1k-4.el8, CVE-2021-3712 fixed in
 * 1:1.1.1k-5.el8_5, CVE-2021-3450 fixed in 1:1.1.1g-15.el8_3 not reported).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { OsInfo } from "../../../src/image/os-release.js";
import { matchPackages } from "../../../src/scan/match/index.js";
import { osvRecord, pkg } from "../../support/match-packages.js";
import { MemoryVulnStore } from "../../support/memory-vuln-store.js";

const ALMA_8: OsInfo = { family: "almalinux", version: "8.5", idLike: [], source: "etc/os-release" };
const ROCKY_8: OsInfo = { family: "rocky", version: "8.5", idLike: [], source: "etc/os-release" };

const fixedIn = (id: string, ecosystem: string, name: string, fixed: string) =>
  osvRecord(id, [
    {
      package: { ecosystem, name },
      ranges: [{ type: "ECOSYSTEM", events: [{ introduced: "0" }, { fixed }] }],
    },
  ]);

interface Row {
  name: string;
  os: OsInfo;
  ecosystem: string;
  installed: string;
  fixed: string;
  want: boolean;
}

const ROWS: Row[] = [
  {
    name: "epoch on both sides, older release (Trivy almalinux-8: CVE-2021-3712)",
    os: ALMA_8,
    ecosystem: "AlmaLinux:8",
    installed: "1:1.1.1k-4.el8",
    fixed: "1:1.1.1k-5.el8_5",
    want: true,
  },
  {
    name: "epoch on both sides, already fixed (Trivy almalinux-8: CVE-2021-3450 not reported)",
    os: ALMA_8,
    ecosystem: "AlmaLinux:8",
    installed: "1:1.1.1k-4.el8",
    fixed: "1:1.1.1g-15.el8_3",
    want: false,
  },
  {
    name: "epoch-less AlmaLinux bound against an installed epoch: compared without it",
    os: ALMA_8,
    ecosystem: "AlmaLinux:8",
    installed: "1:1.1.1k-4.el8",
    fixed: "1.1.1k-12.el8_9",
    want: true,
  },
  {
    name: "epoch-less bound, installed epoch, installed newer",
    os: ROCKY_8,
    ecosystem: "Rocky Linux:8",
    installed: "1:1.1.1k-12.el8_9",
    fixed: "1.1.1k-5.el8_5",
    want: false,
  },
  {
    name: "a higher epoch still wins when both state one",
    os: ROCKY_8,
    ecosystem: "Rocky Linux:8",
    installed: "2:1.0-1.el8",
    fixed: "1:9.0-1.el8",
    want: false,
  },
];

describe("rpm epochs count only when both versions state one", () => {
  for (const row of ROWS) {
    it(row.name, async () => {
      const store = new MemoryVulnStore().add(
        fixedIn("CVE-2021-3712", row.ecosystem, "openssl-libs", row.fixed),
      );
      const r = await matchPackages(store, {
        packages: [pkg("rpm", "openssl-libs", row.installed)],
        os: row.os,
      });
      assert.deepEqual(
        r.vulnerabilities.map((v) => [v.id, v.fixedVersions]),
        row.want ? [["CVE-2021-3712", [row.fixed]]] : [],
      );
    });
  }
});
