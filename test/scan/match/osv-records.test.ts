/**
 * matchPackages against the 299 real OSV records of shared/vectors/osv, for the packages of the
 * test images (express 4.17.1 and its dependencies, Debian's Python packages and Go modules) and the
 * edge cases the sample's README lists. Expected ids and fixed versions were decided from the
 * records' ranges with the reference orderings (node-semver, PEP 440, Go, Maven) and checked by hand.
 */
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { matchPackages } from "../../../src/scan/match/index.js";
import type { MatchResult } from "../../../src/scan/types.js";
import { pkg } from "../../support/match-packages.js";
import { MemoryVulnStore, readOsvDir } from "../../support/memory-vuln-store.js";
import { SKIP_NO_SHARED, vectorPath } from "../../support/shared.js";
import { assertRow, OSV_ROWS } from "./match-cases.js";

const dir = vectorPath("osv", "records");

describe("matchPackages on the real OSV sample", { skip: dir ? false : SKIP_NO_SHARED }, () => {
  const store = new MemoryVulnStore();
  before(() => {
    for (const r of readOsvDir(dir as string)) store.add(r);
  });

  for (const row of OSV_ROWS) {
    it(row.why, async () =>
      assertRow(row, (await matchPackages(store, { packages: [row.package] })).vulnerabilities),
    );
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
