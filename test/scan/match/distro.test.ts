/**
 * The OSV ecosystem of a distribution release, from os-release, named as osv.dev names them
 * (checked against the Ubuntu OSV records in shared/vectors/vulndata/formats/vunnel/ubuntu-osv:
 * `Ubuntu:22.04:LTS`, `Ubuntu:25.10`).
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { OsInfo } from "../../../src/image/os-release.js";
import { distroRelease } from "../../../src/scan/match/distro.js";
import { DEBIAN_RELEASES } from "../../../src/vulndb/ecosystem.js";

const os = (family: string, version: string, extra: Partial<OsInfo> = {}): OsInfo => ({
  family,
  version,
  idLike: [],
  source: "etc/os-release",
  ...extra,
});

const ROWS: [OsInfo, string | undefined, string | undefined][] = [
  [os("alpine", "3.18.4"), "Alpine:v3.18", "2025-05-09"],
  [os("alpine", "3.9.4"), "Alpine:v3.9", "2020-11-01"],
  [os("debian", "12"), "Debian:12", "2028-06-30"],
  [os("debian", "12.4"), "Debian:12", "2028-06-30"],
  [os("debian", "", { versionCodename: "bookworm" }), "Debian:12", "2028-06-30"],
  [os("debian", "9.9"), "Debian:9", "2022-06-30"],
  [os("debian", "trixie/sid"), "Debian:13", undefined],
  // Every codename the Debian tracker importer files records under (one table, vulndb/ecosystem.ts).
  [os("debian", "forky/sid"), "Debian:14", undefined],
  [os("debian", "", { versionCodename: "squeeze" }), "Debian:6", undefined],
  [os("ubuntu", "22.04"), "Ubuntu:22.04:LTS", "2027-06-01"],
  [os("ubuntu", "25.10"), "Ubuntu:25.10", undefined],
  [os("almalinux", "9.3"), "AlmaLinux:9", undefined],
  [os("rocky", "8.9"), "Rocky Linux:8", undefined],
  [os("photon", "3.0"), "Photon OS:3.0", "2024-06-30"],
  [os("photon", "5.0"), "Photon OS:5.0", undefined],
  [os("opensuse-leap", "15.5"), "openSUSE:Leap 15.5", undefined],
  [os("opensuse-tumbleweed", "20240801"), "openSUSE:Tumbleweed", undefined],
  [os("fedora", "39"), undefined, undefined],
];

describe("distroRelease", () => {
  for (const [info, ecosystem, eol] of ROWS) {
    it(`${info.family} ${info.version || info.versionCodename} → ${ecosystem ?? "no data source"}`, () => {
      const r = distroRelease(info);
      assert.equal(r?.ecosystem, ecosystem);
      assert.equal(r?.endOfLife, eol);
    });
  }
});

describe("distroRelease and the Debian tracker importer read one codename table", () => {
  for (const [codename, major] of Object.entries(DEBIAN_RELEASES)) {
    it(`an image of ${codename} is Debian:${major}, the ecosystem the tracker files ${codename} under`, () => {
      const r = distroRelease(os("debian", "", { versionCodename: codename }));
      assert.equal(r?.ecosystem, `Debian:${major}`);
      assert.equal(r?.label, `Debian ${major} (${codename})`);
    });
  }
});
