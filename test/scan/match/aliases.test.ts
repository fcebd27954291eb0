/**
 * Alias merging and the primary id rule: one row per vulnerability per package whatever ids the
 * feeds use, distribution CVE ids folded into the CVE, advisory bundles (DSA with `upstream`)
 * folded into the CVE rows they cover.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { matchPackages } from "../../../src/scan/match/index.js";
import type { OsvAffected } from "../../../src/vulndb/types.js";
import { osvRecord, pkg } from "../../support/match-packages.js";
import { MemoryVulnStore } from "../../support/memory-vuln-store.js";
import { DEBIAN_12 } from "./match-cases.js";

const open = (ecosystem: string, name: string): OsvAffected => ({
  package: { ecosystem, name },
  ranges: [{ type: "ECOSYSTEM", events: [{ introduced: "0" }] }],
});

describe("one row per vulnerability", () => {
  it("GHSA, PYSEC and a record known only through a shared alias merge transitively; CVE is primary", async () => {
    const store = new MemoryVulnStore()
      .add(osvRecord("GHSA-aaaa", [open("PyPI", "demo")], { aliases: ["CVE-2024-1"] }))
      .add(osvRecord("PYSEC-2024-1", [open("PyPI", "demo")], { aliases: ["GHSA-aaaa"] }))
      .add(osvRecord("OSV-2024-9", [open("PyPI", "demo")], { aliases: ["PYSEC-2024-1"] }));
    const r = await matchPackages(store, { packages: [pkg("pypi", "demo", "1.0")] });
    assert.deepEqual(
      r.vulnerabilities.map((v) => [v.id, v.aliases]),
      [["CVE-2024-1", ["GHSA-aaaa", "OSV-2024-9", "PYSEC-2024-1"]]],
    );
  });

  it("without a CVE the GHSA id is primary; without either, the lowest record id", async () => {
    const store = new MemoryVulnStore()
      .add(osvRecord("PYSEC-2024-2", [open("PyPI", "demo")], { aliases: ["GHSA-bbbb"] }))
      .add(osvRecord("PYSEC-2024-3", [open("PyPI", "demo")]));
    const r = await matchPackages(store, { packages: [pkg("pypi", "demo", "1.0")] });
    assert.deepEqual(
      r.vulnerabilities.map((v) => v.id),
      ["GHSA-bbbb", "PYSEC-2024-3"],
    );
  });

  it("DEBIAN-CVE ids join their CVE; a DSA covering them becomes an alias; an uncovered DSA stays a row", async () => {
    const store = new MemoryVulnStore()
      .add(osvRecord("DEBIAN-CVE-2024-10", [open("Debian:12", "openssl")], { upstream: ["CVE-2024-10"] }))
      .add(osvRecord("CVE-2024-10", [open("Debian:12", "openssl")]), "debian-tracker")
      .add(osvRecord("DEBIAN-CVE-2024-11", [open("Debian:12", "openssl")], { upstream: ["CVE-2024-11"] }))
      .add(
        osvRecord("DSA-5600-1", [open("Debian:12", "openssl")], { upstream: ["CVE-2024-10", "CVE-2024-11"] }),
      )
      .add(osvRecord("DSA-5601-1", [open("Debian:12", "openssl")], { upstream: ["CVE-2024-12"] }));
    const lib = pkg("deb", "libssl3", "3.0.11-1~deb12u2", { source: { name: "openssl" } });
    const r = await matchPackages(store, { packages: [lib], os: DEBIAN_12 });
    assert.deepEqual(
      r.vulnerabilities.map((v) => [v.id, v.aliases, v.source]),
      [
        ["CVE-2024-10", ["DEBIAN-CVE-2024-10", "DSA-5600-1"], "debian-tracker,osv"],
        ["CVE-2024-11", ["DEBIAN-CVE-2024-11", "DSA-5600-1"], "osv"],
        ["DSA-5601-1", [], "osv"],
      ],
    );
    assert.ok(
      r.vulnerabilities.every((v) => v.package === lib),
      "reported under the binary package",
    );
  });
});
