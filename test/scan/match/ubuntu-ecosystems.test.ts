/**
 * Ubuntu OSV ecosystems: an LTS release is matched under both spellings osv.dev uses for it
 * (`Ubuntu:26.04` before the LTS rename, `Ubuntu:26.04:LTS` after; one record can carry both, and
 * then gives one row), while the Ubuntu Pro channel (`Ubuntu:Pro:22.04:LTS`: fixes shipped only
 * to Pro subscribers) is not matched against a plain image.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import type { OsInfo } from "../../../src/image/os-release.js";
import { distroRelease } from "../../../src/scan/match/distro.js";
import { matchPackages } from "../../../src/scan/match/index.js";
import type { OsvAffected } from "../../../src/vulndb/types.js";
import { osvRecord, pkg } from "../../support/match-packages.js";
import { MemoryVulnStore } from "../../support/memory-vuln-store.js";

const ubuntu = (version: string): OsInfo => ({ family: "ubuntu", version, idLike: ["debian"], source: "x" });
const entry = (ecosystem: string, fixed: string): OsvAffected => ({
  package: { ecosystem, name: "curl" },
  ranges: [{ type: "ECOSYSTEM", events: [{ introduced: "0" }, { fixed }] }],
});

describe("Ubuntu ecosystem spellings", () => {
  it("an LTS release also reads its pre-rename spelling; other releases do not get one", () => {
    assert.deepEqual(distroRelease(ubuntu("26.04"))?.alsoEcosystems, ["Ubuntu:26.04"]);
    assert.equal(distroRelease(ubuntu("25.10"))?.alsoEcosystems, undefined);
  });

  const ROWS: { name: string; version: string; affected: OsvAffected[]; want: string[][] }[] = [
    {
      name: "a record spelled without :LTS matches the LTS image",
      version: "26.04",
      affected: [entry("Ubuntu:26.04", "8.14.1-2ubuntu2")],
      want: [["UBUNTU-CVE-2026-0001", "8.14.1-2ubuntu2"]],
    },
    {
      name: "a record with both spellings gives one row",
      version: "26.04",
      affected: [entry("Ubuntu:26.04", "8.14.1-2ubuntu2"), entry("Ubuntu:26.04:LTS", "8.14.1-2ubuntu2")],
      want: [["UBUNTU-CVE-2026-0001", "8.14.1-2ubuntu2"]],
    },
    {
      name: "the usual spelling still matches",
      version: "24.04",
      affected: [entry("Ubuntu:24.04:LTS", "8.5.0-2ubuntu11")],
      want: [["UBUNTU-CVE-2026-0001", "8.5.0-2ubuntu11"]],
    },
    {
      name: "an Ubuntu Pro fix is not applied to a plain image",
      version: "22.04",
      affected: [entry("Ubuntu:Pro:22.04:LTS", "7.81.0-1ubuntu1.99+esm1")],
      want: [],
    },
  ];
  for (const row of ROWS) {
    it(row.name, async () => {
      const store = new MemoryVulnStore().add(osvRecord("UBUNTU-CVE-2026-0001", row.affected));
      const r = await matchPackages(store, {
        packages: [pkg("deb", "libcurl4", "7.81.0-1", { source: { name: "curl", version: "7.81.0-1" } })],
        os: ubuntu(row.version),
      });
      assert.deepEqual(
        r.vulnerabilities.map((v) => [v.id.replace(/^CVE-/, "UBUNTU-CVE-"), ...v.fixedVersions]),
        row.want,
      );
    });
  }
});
