/**
 * One table of store cases run on both backends: the SQLite file and a real PostgreSQL cluster
 * (test/support/postgres.ts; skipped with a message when PostgreSQL is not installed). Covers
 * look-up and normalisation, de-duplication across feeds, replace and upsert semantics, an
 * import that fails half-way writing nothing, a reader during an import seeing only the old data,
 * status, export → import, and refusing a database from a newer schema.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import Database from "better-sqlite3";
import pg from "pg";
import type { VulnImporter } from "../../src/vulndb/importers/types.js";
import {
  exportDb,
  importFeeds,
  importPrepared,
  type OsvRecord,
  openVulnStore,
  prepareInput,
  type VulnDb,
} from "../../src/vulndb/index.js";
import { type PostgresCluster, skipReason, startPostgres } from "../support/postgres.js";
import { buildZip, osvRecord } from "./zip-writer.js";

const tmp = mkdtempSync(join(tmpdir(), "portcullis-vulndb-store-"));
let cluster: PostgresCluster | undefined;
let pgTried = false;
let dbCount = 0;

interface Backend {
  name: string;
  skip: string | false;
  /** A location for a fresh, empty database. */
  fresh(): string;
  /** Set the stored schema version (to fake a database from a newer Portcullis). */
  setSchemaVersion(location: string, v: number): Promise<void>;
}

function pgCluster(): PostgresCluster | undefined {
  if (!pgTried) {
    pgTried = true;
    cluster = startPostgres();
  }
  return cluster;
}

const BACKENDS: Backend[] = [
  {
    name: "SQLite",
    skip: false,
    fresh: () => join(tmp, `db-${++dbCount}.db`),
    async setSchemaVersion(location, v) {
      const db = new Database(location);
      db.prepare("UPDATE schema_version SET version = ?").run(v);
      db.close();
    },
  },
  {
    name: "PostgreSQL",
    get skip() {
      return pgCluster() ? false : skipReason;
    },
    fresh: () => (pgCluster() as PostgresCluster).createDatabase(`store_${++dbCount}`),
    async setSchemaVersion(location, v) {
      const c = new pg.Client({ connectionString: location });
      await c.connect();
      await c.query("UPDATE vuln_schema_version SET version = $1", [v]);
      await c.end();
    },
  },
];

after(() => {
  cluster?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

function writeJson(name: string, value: unknown): string {
  const p = join(tmp, name);
  writeFileSync(p, JSON.stringify(value));
  return p;
}

function osvDir(name: string, records: Record<string, unknown>[]): string {
  const dir = mkdtempSync(join(tmp, `${name}-`));
  for (const r of records) writeFileSync(join(dir, `${r.id}.json`), JSON.stringify(r));
  return dir;
}

async function ids(db: VulnDb, ecosystem: string, name: string): Promise<string[]> {
  return ((await db.lookup(ecosystem, [name])).get(name) ?? []).map((r) => r.record.id);
}

for (const backend of BACKENDS) {
  describe(`vulnerability store on ${backend.name}`, { skip: backend.skip }, () => {
    const open = (location: string) => openVulnStore(location, { write: true });

    it("looks records up by ecosystem and normalised name, keyed by the names as given", async () => {
      const db = await open(backend.fresh());
      await importFeeds(db, [
        osvDir("lookup", [
          osvRecord("PYSEC-1", "PyPI", "Django_REST.framework", "1.0"),
          osvRecord("GHSA-1", "npm", "left-pad", "1.0.1"),
          osvRecord("GHSA-2", "Maven", "org.Example:Lib", "2.0"),
        ]),
      ]);
      const m = await db.lookup("PyPI", ["django-rest-framework", "DJANGO_REST_FRAMEWORK", "requests"]);
      assert.deepEqual(
        m.get("django-rest-framework")?.map((r) => r.record.id),
        ["PYSEC-1"],
      );
      assert.deepEqual(
        m.get("DJANGO_REST_FRAMEWORK")?.map((r) => r.record.id),
        ["PYSEC-1"],
      );
      assert.deepEqual(m.get("requests"), []);
      assert.deepEqual(await ids(db, "Maven", "org.example:lib"), [], "Maven names are case-sensitive");
      assert.deepEqual(await ids(db, "Maven", "org.Example:Lib"), ["GHSA-2"]);
      assert.deepEqual(await ids(db, "npm", "left-pad"), ["GHSA-1"]);
      assert.equal((await db.lookup("npm", ["left-pad"])).get("left-pad")?.[0]?.source, "osv");
      await db.close();
    });

    it("returns a record held by two feeds once, the newest version", async () => {
      const db = await open(backend.fresh());
      const older = osvRecord("GHSA-dup", "npm", "a", "1.0.0", { summary: "old" });
      const newer = {
        ...osvRecord("GHSA-dup", "npm", "a", "1.0.1", { summary: "new" }),
        modified: "2025-01-01T00:00:00Z",
      };
      const zip1 = join(tmp, `dup1-${dbCount}.zip`);
      writeFileSync(zip1, buildZip([{ name: "GHSA-dup.json", data: JSON.stringify(older) }]));
      const zip2 = join(tmp, `dup2-${dbCount}.zip`);
      writeFileSync(zip2, buildZip([{ name: "GHSA-dup.json", data: JSON.stringify(newer) }]));
      const a = prepareInput(zip1);
      a.feed = "osv:npm";
      const b = prepareInput(zip2);
      b.feed = "osv:Maven";
      await importPrepared(db, [a, b]);
      const list = (await db.lookup("npm", ["a"])).get("a") ?? [];
      assert.equal(list.length, 1);
      assert.equal(list[0]?.record.summary, "new");
      await db.close();
    });

    it("replaces a whole feed on re-import (an Alpine secdb file) and keeps the newer OSV record on upsert", async () => {
      const db = await open(backend.fresh());
      const secdb = (fixes: Record<string, string[]>) =>
        writeJson(`secdb-${Math.random()}.json`, {
          distroversion: "v3.18",
          reponame: "main",
          packages: [{ pkg: { name: "openssl", secfixes: fixes } }],
        });
      await importFeeds(db, [secdb({ "3.1.4-r0": ["CVE-2023-1"], "3.1.5-r0": ["CVE-2023-2"] })]);
      assert.deepEqual(await ids(db, "Alpine:v3.18", "openssl"), ["CVE-2023-1", "CVE-2023-2"]);
      await importFeeds(db, [secdb({ "3.1.5-r0": ["CVE-2023-2"] })]);
      assert.deepEqual(await ids(db, "Alpine:v3.18", "openssl"), ["CVE-2023-2"]);

      const newer = { ...osvRecord("GHSA-u", "npm", "u", "2.0.0"), modified: "2025-06-01T00:00:00Z" };
      const older = { ...osvRecord("GHSA-u", "npm", "u", "1.0.0"), modified: "2024-06-01T00:00:00Z" };
      await importFeeds(db, [osvDir("newer", [newer])]);
      await importFeeds(db, [osvDir("older", [older])]);
      const [rec] = (await db.lookup("npm", ["u"])).get("u") ?? [];
      assert.equal(rec?.record.modified, "2025-06-01T00:00:00Z");
      await db.close();
    });

    it("writes nothing when an import fails half-way (a good directory, then a corrupt all.zip)", async () => {
      const db = await open(backend.fresh());
      await importFeeds(db, [osvDir("before", [osvRecord("GHSA-keep", "npm", "k", "1.0.0")])]);
      const zip = buildZip([
        { name: "A.json", data: JSON.stringify(osvRecord("GHSA-A", "npm", "k", "1.0.0")) },
        { name: "B.json", data: JSON.stringify(osvRecord("GHSA-B", "npm", "k", "1.0.0")) },
      ]);
      zip[zip.indexOf("B.json") + 10] ^= 0xff; // damage B's compressed data
      const bad = join(tmp, `bad-${dbCount}.zip`);
      writeFileSync(bad, zip);
      await assert.rejects(
        importFeeds(db, [osvDir("good", [osvRecord("GHSA-new", "npm", "k", "1.0.0")]), bad]),
        (err: Error) => /B\.json/.test(err.message) && err.message.includes(bad),
      );
      assert.deepEqual(await ids(db, "npm", "k"), ["GHSA-keep"]);
      await db.close();
    });

    it("lets a reader see the old data during an import and the new data after it", async () => {
      const location = backend.fresh();
      const db = await open(location);
      await importFeeds(db, [osvDir("old", [osvRecord("GHSA-old", "npm", "r", "1.0.0")])]);
      const reader = await openVulnStore(location);
      const seenDuring: string[][] = [];
      const slow: VulnImporter = {
        id: "slow",
        describes: "test",
        detect: () => true,
        *read() {
          yield {
            feed: "osv",
            kind: "osv",
            mode: "replace",
            records: (async function* () {
              for (let i = 0; i < 2500; i++) {
                yield osvRecord(
                  `GHSA-new-${String(i).padStart(4, "0")}`,
                  "npm",
                  "r",
                  "1.0.0",
                ) as unknown as OsvRecord;
                if (i === 1200 || i === 2400) seenDuring.push(await ids(reader, "npm", "r"));
              }
            })(),
          };
        },
      };
      await importPrepared(db, [
        { input: { path: "", name: "slow", isDirectory: false, head: Buffer.alloc(0) }, importer: slow },
      ]);
      assert.deepEqual(seenDuring, [["GHSA-old"], ["GHSA-old"]]);
      const afterIds = await ids(reader, "npm", "r");
      assert.equal(afterIds.length, 2500);
      assert.ok(!afterIds.includes("GHSA-old"));
      await reader.close();
      await db.close();
    });

    it("answers a reader's repeated look-up from the current data after another connection updates a record in place", async () => {
      const location = backend.fresh();
      const db = await open(location);
      const v1 = { ...osvRecord("GHSA-inplace", "npm", "p", "1.0.0"), summary: "first" };
      await importFeeds(db, [osvDir("v1", [v1])]);
      const reader = await openVulnStore(location);
      const summaries = async () =>
        ((await reader.lookup("npm", ["p", "q"])).get("p") ?? []).map(
          (r) => `${r.record.id}:${r.record.summary}`,
        );
      assert.deepEqual(await summaries(), ["GHSA-inplace:first"]);
      assert.deepEqual(await summaries(), ["GHSA-inplace:first"], "a repeated look-up answers the same");
      const v2 = {
        ...osvRecord("GHSA-inplace", "npm", "p", "1.0.1"),
        summary: "second",
        modified: "2025-01-01T00:00:00Z",
      };
      const added = osvRecord("GHSA-added", "npm", "p", "2.0.0", { summary: "added" });
      await importFeeds(db, [osvDir("v2", [v2, added])]);
      assert.deepEqual(await summaries(), ["GHSA-added:added", "GHSA-inplace:second"]);
      assert.deepEqual(
        (await reader.lookup("npm", ["q"])).get("q"),
        [],
        "a name without records answers empty",
      );
      await reader.close();
      await db.close();
    });

    it("reports status (schema, sources, counts) and exports to one file that imports elsewhere", async () => {
      const db = await open(backend.fresh());
      await importFeeds(db, [
        osvDir("status", [
          osvRecord("GHSA-s1", "npm", "s", "1.0.0"),
          osvRecord("GHSA-s2", "PyPI", "s", "1.0"),
        ]),
        writeJson("status-secdb.json", {
          distroversion: "v3.19",
          reponame: "community",
          packages: [{ pkg: { name: "git", secfixes: { "2.43.1-r0": ["CVE-2024-1"] } } }],
        }),
      ]);
      const st = await db.status();
      assert.equal(st.schemaVersion, 1);
      assert.deepEqual(
        st.sources.map((s) => [s.id, s.records]),
        [
          ["alpine-secdb:v3.19/community", 1],
          ["osv", 2],
        ],
      );
      assert.deepEqual(st.ecosystems, [
        { ecosystem: "Alpine:v3.19", records: 1 },
        { ecosystem: "PyPI", records: 1 },
        { ecosystem: "npm", records: 1 },
      ]);
      assert.ok(st.updatedAt && Date.now() - Date.parse(st.updatedAt) < 60_000);
      const file = join(tmp, `export-${dbCount}.db`);
      const ex = await exportDb(db, file);
      assert.equal(ex.records, 3);
      await db.close();
      const copy = await open(join(tmp, `copy-${dbCount}.db`));
      const s = await importFeeds(copy, [file]);
      assert.equal(s.feeds[0]?.importer, "portcullis-export");
      assert.deepEqual(await ids(copy, "Alpine:v3.19", "git"), ["CVE-2024-1"]);
      assert.equal(
        (await copy.status()).updatedAt,
        st.updatedAt,
        "the copy keeps the original's update time",
      );
      await copy.close();
    });

    it("refuses a database written by a newer schema, with a clear message", async () => {
      const location = backend.fresh();
      const db = await open(location);
      await db.close();
      await backend.setSchemaVersion(location, 99);
      await assert.rejects(openVulnStore(location), (err: Error & { code?: string }) => {
        assert.equal(err.code, "DB_NEWER_SCHEMA");
        assert.match(err.message, /schema 99 is newer/);
        return true;
      });
    });
  });
}

describe("PostgreSQL look-up across a concurrent import", { skip: BACKENDS[1]?.skip }, () => {
  it("re-reads in one snapshot when a record changes between the index read and the body read", async () => {
    const location = (pgCluster() as PostgresCluster).createDatabase(`store_race_${++dbCount}`);
    const writer = await openVulnStore(location, { write: true });
    await importFeeds(writer, [
      osvDir("race-v1", [{ ...osvRecord("GHSA-race", "npm", "r", "1.0.0"), summary: "v1" }]),
    ]);
    const reader = await openVulnStore(location);
    const statements: string[] = [];
    const inner = reader as unknown as { query: (sql: string, params: unknown[]) => Promise<unknown[]> };
    const query = inner.query.bind(reader);
    let raced = false;
    inner.query = async (sql, params) => {
      statements.push(sql.includes("body") ? "bodies" : "pairs");
      if (sql.includes("body") && !raced) {
        raced = true; // an import commits after the pairs were read, before the bodies are
        const v2 = {
          ...osvRecord("GHSA-race", "npm", "r", "1.0.1"),
          summary: "v2",
          modified: "2025-01-01T00:00:00Z",
        };
        await importFeeds(writer, [osvDir("race-v2", [v2])]);
      }
      return query(sql, params);
    };
    const list = (await reader.lookup("npm", ["r"])).get("r") ?? [];
    assert.deepEqual(
      list.map((s) => [s.record.id, s.record.summary]),
      [["GHSA-race", "v2"]],
    );
    assert.deepEqual(
      statements,
      ["pairs", "bodies"],
      "the quick read was tried first (then the snapshot read)",
    );
    assert.deepEqual(
      ((await reader.lookup("npm", ["r"])).get("r") ?? []).map((s) => s.record.summary),
      ["v2"],
    );
    await reader.close();
    await writer.close();
  });
});
