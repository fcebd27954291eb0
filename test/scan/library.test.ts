/**
 * The scanning entry points of the library's main entry (src/index.ts): build a database with
 * openVulnStore + importFeeds, open it for reading with openScanDatabase, match packages with
 * matchPackages and filter the rows with selectMatches — the calls docs/scan.md shows.
 */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, it } from "node:test";
import {
  importFeeds,
  matchPackages,
  openScanDatabase,
  openVulnStore,
  type Package,
  selectMatches,
  VulnDbMissingError,
} from "../../src/index.js";

const dir = mkdtempSync(join(tmpdir(), "portcullis-scan-library-"));
after(() => rmSync(dir, { recursive: true, force: true }));

const pkg = (name: string, version: string): Package => ({
  name,
  version,
  type: "npm",
  purl: `pkg:npm/${name}@${version}`,
  licenses: [],
  locations: [{ path: "/app/package-lock.json" }],
  foundBy: "test",
});

it("library: import OSV records, open the database read-only, match and select", async () => {
  const records = join(dir, "osv");
  mkdirSync(records);
  const advisory = (id: string, name: string, fixed: string | undefined, severity: string) => ({
    id,
    modified: "2025-01-01T00:00:00Z",
    aliases: [`CVE-2025-${id.slice(-4)}`],
    database_specific: { severity },
    affected: [
      {
        package: { ecosystem: "npm", name },
        ranges: [{ type: "SEMVER", events: [{ introduced: "0" }, ...(fixed ? [{ fixed }] : [])] }],
      },
    ],
  });
  writeFileSync(
    join(records, "a.json"),
    JSON.stringify(advisory("GHSA-lib0-test-0001", "left-pad", "1.3.0", "HIGH")),
  );
  writeFileSync(
    join(records, "b.json"),
    JSON.stringify(advisory("GHSA-lib0-test-0002", "left-pad", undefined, "LOW")),
  );
  const file = join(dir, "vuln.db");
  const writer = await openVulnStore(file, { write: true });
  const summary = await importFeeds(writer, [records]);
  await writer.close();
  assert.equal(summary.records, 2);

  const store = await openScanDatabase(file);
  try {
    const result = await matchPackages(store, {
      packages: [pkg("left-pad", "1.2.0"), pkg("right-pad", "1.0.0")],
    });
    assert.deepEqual(
      result.vulnerabilities.map((v) => [v.id, v.aliases, v.package.name, v.fixedVersions, v.severity]),
      [
        ["CVE-2025-0001", ["GHSA-lib0-test-0001"], "left-pad", ["1.3.0"], "high"],
        ["CVE-2025-0002", ["GHSA-lib0-test-0002"], "left-pad", [], "low"],
      ],
    );
    const selected = selectMatches(result.vulnerabilities, { ignoreUnfixed: true });
    assert.deepEqual(
      selected.kept.map((v) => v.id),
      ["CVE-2025-0001"],
    );
    assert.deepEqual(
      selected.dropped.map((d) => [d.match.id, d.reason]),
      [["CVE-2025-0002", "unfixed"]],
    );
  } finally {
    await store.close();
  }
  await assert.rejects(openScanDatabase(join(dir, "missing.db")), VulnDbMissingError);
});
