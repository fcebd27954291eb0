/**
 * rpm package names: osv.dev's AlmaLinux, Rocky Linux and openSUSE records name the source rpm
 * (the OSV schema's ecosystem table; ALSA-2024:3251 names `openssl`), Trivy's data names the
 * binary (`openssl-libs` in its almalinux-8 / rockylinux-8 fixtures). A binary package is looked up
 * under both and reported under its own name, once per advisory.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { OsInfo } from "../../../src/image/os-release.js";
import { matchPackages } from "../../../src/scan/match/index.js";
import type { OsvAffected } from "../../../src/vulndb/types.js";
import { osvRecord, pkg } from "../../support/match-packages.js";
import { MemoryVulnStore } from "../../support/memory-vuln-store.js";

const os = (family: string, version: string): OsInfo => ({ family, version, idLike: [], source: "x" });
const entry = (ecosystem: string, name: string, fixed: string): OsvAffected => ({
  package: { ecosystem, name },
  ranges: [{ type: "ECOSYSTEM", events: [{ introduced: "0" }, { fixed }] }],
});
const opensslLibs = pkg("rpm", "openssl-libs", "1:1.1.1k-4.el8", {
  source: { name: "openssl", version: "1.1.1k-4.el8" },
});

const ROWS: { name: string; os: OsInfo; affected: OsvAffected[]; want: string[] }[] = [
  {
    name: "AlmaLinux record naming the source rpm (osv.dev ALSA)",
    os: os("almalinux", "8.9"),
    affected: [entry("AlmaLinux:8", "openssl", "1:1.1.1k-12.el8_9")],
    want: ["openssl-libs ALSA-2024:3251 1:1.1.1k-12.el8_9"],
  },
  {
    name: "Rocky Linux record naming the binary (Trivy's data)",
    os: os("rocky", "8.9"),
    affected: [entry("Rocky Linux:8", "openssl-libs", "1:1.1.1k-5.el8_5")],
    want: ["openssl-libs ALSA-2024:3251 1:1.1.1k-5.el8_5"],
  },
  {
    name: "a record naming both gives one row",
    os: os("almalinux", "8.9"),
    affected: [
      entry("AlmaLinux:8", "openssl", "1:1.1.1k-12.el8_9"),
      entry("AlmaLinux:8", "openssl-libs", "1:1.1.1k-12.el8_9"),
    ],
    want: ["openssl-libs ALSA-2024:3251 1:1.1.1k-12.el8_9"],
  },
  {
    name: "openSUSE record naming the source rpm",
    os: os("opensuse-leap", "15.5"),
    affected: [entry("openSUSE:Leap 15.5", "openssl", "1:1.1.1k-150500.1.1")],
    want: ["openssl-libs ALSA-2024:3251 1:1.1.1k-150500.1.1"],
  },
  {
    name: "another source package's record does not match",
    os: os("almalinux", "8.9"),
    affected: [entry("AlmaLinux:8", "openssl-pkcs11", "0.4.10-3.el8")],
    want: [],
  },
];

describe("rpm advisories by source rpm name and by binary name", () => {
  for (const row of ROWS) {
    it(row.name, async () => {
      const store = new MemoryVulnStore().add(osvRecord("ALSA-2024:3251", row.affected));
      const r = await matchPackages(store, { packages: [opensslLibs], os: row.os });
      assert.deepEqual(
        r.vulnerabilities.map((v) => `${v.package.name} ${v.id} ${v.fixedVersions.join(",")}`),
        row.want,
      );
    });
  }
});
