/**
 * The hand-checked matching cases (match-cases.ts) on the real stores: the shared OSV sample, the
 * Alpine 3.18 secdb entries and the Debian bookworm tracker file imported with `importFeeds` into
 * SQLite and into a throwaway PostgreSQL cluster (skipped with a message when PostgreSQL is not
 * installed), then matched. Also the notes a release without data and an end-of-life release give.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { matchPackages } from "../../../src/scan/match/index.js";
import { importFeeds, openVulnStore, type VulnDb } from "../../../src/vulndb/index.js";
import { pkg } from "../../support/match-packages.js";
import { type PostgresCluster, skipReason, startPostgres } from "../../support/postgres.js";
import { SKIP_NO_SHARED, vectorPath } from "../../support/shared.js";
import { ALPINE_318, assertRow, DEBIAN_12, DISTRO_ROWS, OSV_ROWS } from "./match-cases.js";

const feeds = [
  vectorPath("osv", "records"),
  vectorPath("osv", "alpine-secdb", "v3.18-main-busybox.vuln-list.json"),
  vectorPath("osv", "alpine-secdb", "v3.18-main-openssl.vuln-list.json"),
  vectorPath("vulndata", "debian", "bookworm-tracker-shared.json"),
];
const missing = feeds.some((f) => f === undefined);
const tmp = mkdtempSync(join(tmpdir(), "portcullis-match-store-"));
let cluster: PostgresCluster | undefined;
let pgTried = false;
function pgCluster(): PostgresCluster | undefined {
  if (!pgTried) {
    pgTried = true;
    cluster = startPostgres();
  }
  return cluster;
}

after(() => {
  cluster?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

const BACKENDS = [
  { name: "SQLite", skip: (): string | false => false, location: () => join(tmp, "vuln.db") },
  {
    name: "PostgreSQL",
    skip: (): string | false => (pgCluster() ? false : skipReason),
    location: () => (pgCluster() as PostgresCluster).createDatabase("match_cases"),
  },
];

for (const backend of BACKENDS) {
  describe(`matching on ${backend.name}`, { skip: missing ? SKIP_NO_SHARED : backend.skip() }, () => {
    let db: VulnDb;
    before(async () => {
      db = await openVulnStore(backend.location(), { write: true });
      await importFeeds(db, feeds as string[]);
    });
    after(async () => {
      await db?.close();
    });

    for (const row of [...OSV_ROWS, ...DISTRO_ROWS]) {
      it(row.why, async () => {
        const r = await matchPackages(db, { packages: [row.package], ...(row.os ? { os: row.os } : {}) });
        assertRow(row, r.vulnerabilities);
      });
    }

    it("reports an Alpine feed's source and the end-of-life of Alpine 3.18", async () => {
      const r = await matchPackages(
        db,
        { packages: [DISTRO_ROWS[0].package], os: ALPINE_318 },
        { now: new Date("2026-12-04") },
      );
      assert.ok(
        r.vulnerabilities.every((v) => v.source === "alpine-secdb"),
        r.vulnerabilities.map((v) => v.source).join(),
      );
      assert.ok(
        r.notes.some((n) => n.message.includes("Alpine 3.18 is end-of-life since 2025-05-09")),
        JSON.stringify(r.notes),
      );
      const early = await matchPackages(
        db,
        { packages: [DISTRO_ROWS[0].package], os: ALPINE_318 },
        { now: new Date("2024-01-01") },
      );
      assert.ok(!early.notes.some((n) => n.message.includes("end-of-life")));
    });

    it("a release with no data says so instead of returning nothing silently", async () => {
      const os = { ...ALPINE_318, version: "3.99.1", prettyName: "Alpine Linux v3.99" };
      const r = await matchPackages(db, { packages: [DISTRO_ROWS[0].package], os });
      assert.deepEqual(r.vulnerabilities, []);
      const note = r.notes.find((n) => n.level === "warning" && n.message.includes("Alpine:v3.99"));
      assert.ok(note, JSON.stringify(r.notes));
      assert.match(note.message, /1 package\(s\) not checked/);
    });

    it("OS packages without os-release are not matched and the result says why", async () => {
      const r = await matchPackages(db, { packages: [DISTRO_ROWS[2].package] });
      assert.deepEqual(r.vulnerabilities, []);
      assert.ok(
        r.notes.some((n) => n.message.includes("no os-release")),
        JSON.stringify(r.notes),
      );
    });

    it("Debian packages are looked up in Debian:12 for bookworm, not in another release", async () => {
      const bullseye = { ...DEBIAN_12, version: "11", versionCodename: "bullseye" };
      const r = await matchPackages(db, { packages: [pkg("deb", "apt", "2.6.1")], os: bullseye });
      assert.deepEqual(r.vulnerabilities, []);
      assert.ok(r.notes.some((n) => n.message.includes("Debian:11")));
    });
  });
}
