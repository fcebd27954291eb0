/**
 * The results store's contract, the same table for both backends (an SQLite file and a throwaway
 * PostgreSQL cluster, skipped with the reason when PostgreSQL is not installed): first-seen times
 * carried over, only new findings returned, fixed findings gone, the SBOM kept (gzipped) when a
 * rescan gives none, seen-but-not-scanned digests, and two stores on one PostgreSQL database.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import type { CatalogResult } from "../../src/catalog/index.js";
import { openResultStore } from "../../src/monitor/store.js";
import { digestOf } from "../audit/cluster-fixture.js";
import { type PostgresCluster, skipReason, startPostgres } from "../support/postgres.js";

const tmp = mkdtempSync(join(tmpdir(), "portcullis-results-"));
let cluster: PostgresCluster | undefined;
let tried = false;
let n = 0;
function pgCluster(): PostgresCluster | undefined {
  if (!tried) {
    tried = true;
    cluster = startPostgres();
  }
  return cluster;
}
after(() => {
  cluster?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

const SBOM = {
  image: { reference: "registry.example/app@sha256:1", digest: "sha256:1" },
  packages: [{ name: "openssl", version: "3.0.15-1", type: "deb", purl: "pkg:deb/debian/openssl@3.0.15-1" }],
  errors: [],
} as unknown as CatalogResult;

const BACKENDS = [
  { name: "SQLite", skip: false as const, fresh: () => join(tmp, `results-${++n}.db`) },
  {
    name: "PostgreSQL",
    get skip() {
      return pgCluster() ? false : skipReason;
    },
    fresh: () => (pgCluster() as PostgresCluster).createDatabase(`results_${++n}`),
  },
];

for (const backend of BACKENDS) {
  describe(`results store (${backend.name})`, { skip: backend.skip }, () => {
    test("keeps first-seen times, returns only new findings, drops fixed ones and keeps the SBOM", async () => {
      const store = await openResultStore(backend.fresh());
      try {
        const d = digestOf("x");
        const v1 = { id: "CVE-1", severity: "high" as const, package: "openssl", version: "3.0.15-1" };
        const v2 = { id: "CVE-2", severity: "critical" as const, package: "zlib", fixedVersion: "1.3.1" };
        const v3 = { id: "CVE-3", severity: "low" as const, package: "zlib" };
        const first = await store.record({
          digest: d,
          repository: "registry.example/app",
          scannedAt: new Date("2026-12-01T00:00:00Z"),
          sbom: SBOM,
          vulnerabilities: [v1, v3],
        });
        assert.deepEqual(
          first.map((v) => v.id),
          ["CVE-1", "CVE-3"],
        );
        const second = await store.record({
          digest: d,
          repository: "registry.example/app",
          scannedAt: new Date("2026-12-02T00:00:00Z"),
          vulnerabilities: [v1, v2, v1],
        });
        assert.deepEqual(
          second.map((v) => [v.id, v.firstSeen]),
          [["CVE-2", "2026-12-02T00:00:00.000Z"]],
        );
        assert.deepEqual(await store.lookup(d), {
          state: "scanned",
          scannedAt: "2026-12-02T00:00:00.000Z",
          vulnerabilities: [
            { ...v1, firstSeen: "2026-12-01T00:00:00.000Z" },
            { ...v2, firstSeen: "2026-12-02T00:00:00.000Z" },
          ],
        });
        assert.deepEqual(await store.sbomDigests(), [{ digest: d, repository: "registry.example/app" }]);
        assert.deepEqual(await store.storedSbom(d), SBOM, "kept when a rescan gives none");
        assert.equal(await store.storedSbom(digestOf("never")), undefined);
      } finally {
        await store.close();
      }
    });

    test("a digest seen but not scanned, and one never seen, are not scanned (with why)", async () => {
      const location = backend.fresh();
      const store = await openResultStore(location);
      try {
        assert.equal(await store.see(digestOf("y"), "registry.example/y", new Date()), true);
        assert.equal(await store.see(digestOf("y"), "registry.example/y", new Date()), false);
        assert.deepEqual(await store.lookup(digestOf("y")), {
          state: "not-scanned",
          reason: "seen, not scanned yet",
        });
        assert.deepEqual(await store.lookup(digestOf("z")), {
          state: "not-scanned",
          reason: "no stored scan",
        });
        // A second store on the same location (another replica, an audit) sees the same data.
        const other = await openResultStore(location);
        try {
          assert.equal(await other.see(digestOf("y"), "registry.example/y", new Date()), false);
        } finally {
          await other.close();
        }
      } finally {
        await store.close();
      }
    });
  });
}
