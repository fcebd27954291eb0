/**
 * The importers on real data (../shared/vectors/osv and ../shared/vectors/vulndata): record
 * counts and hand-checked converted records for OSV directories and all.zip, Alpine secdb in
 * JSON, YAML and vuln-list's split form, and the Debian tracker JSON including the malformed
 * `chromium-browser` entry that must be skipped with a warning.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { after, before, describe, it } from "node:test";
import { importFeeds, type OsvRecord, openVulnStore, type VulnDb } from "../../src/vulndb/index.js";
import { SKIP_NO_SHARED, vectorPath } from "../support/shared.js";
import { buildZip } from "./zip-writer.js";

const osvDir = vectorPath("osv", "records");
const secdbDir = vectorPath("osv", "alpine-secdb");
const vulndata = vectorPath("vulndata");
const skip = !osvDir || !secdbDir || !vulndata ? SKIP_NO_SHARED : false;

let tmp: string;
before(() => {
  tmp = mkdtempSync(join(tmpdir(), "portcullis-vulndb-import-"));
});
after(() => rmSync(tmp, { recursive: true, force: true }));

async function freshDb(name: string): Promise<VulnDb> {
  return openVulnStore(join(tmp, `${name}.db`), { write: true });
}

async function one(db: VulnDb, ecosystem: string, name: string, id: string): Promise<OsvRecord | undefined> {
  const list = (await db.lookup(ecosystem, [name])).get(name) ?? [];
  return list.find((r) => r.record.id === id)?.record;
}

function entryFor(record: OsvRecord | undefined, ecosystem: string, name: string) {
  return record?.affected?.find((a) => a.package?.ecosystem === ecosystem && a.package?.name === name);
}

function* files(dir: string): Generator<string> {
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* files(p);
    else if (e.name.endsWith(".json")) yield p;
  }
}

describe("OSV importers on the shared records", { skip }, () => {
  it("imports all 299 records of the directory tree and indexes them by ecosystem and PEP 503 name", async () => {
    const db = await freshDb("osv-dir");
    const s = await importFeeds(db, [osvDir as string]);
    assert.equal(s.records, 299);
    const counts = Object.fromEntries((await db.ecosystems()).map((e) => [e.ecosystem, e.records]));
    assert.deepEqual(counts, { Go: 125, Maven: 20, PyPI: 103, npm: 51 });
    const express = (await db.lookup("npm", ["express"])).get("express")?.map((r) => r.record.id);
    assert.ok(
      express?.includes("GHSA-qw6h-vgh9-j6wx") && express.includes("GHSA-rv95-896h-c2vc"),
      String(express),
    );
    const py = await db.lookup("PyPI", ["PyYAML", "pyyaml", "pyYAML"]);
    assert.equal(py.get("PyYAML")?.length, 4);
    assert.deepEqual(
      py.get("pyYAML")?.map((r) => r.record.id),
      py.get("PyYAML")?.map((r) => r.record.id),
    );
    const withdrawn = await one(db, "Go", "github.com/gorilla/sessions", "GO-2024-2730");
    assert.equal(withdrawn?.withdrawn, "2024-04-17T18:06:23Z", "withdrawn records are returned, flagged");
    await db.close();
  });

  it("reads the same records from an osv.dev-style all.zip", async () => {
    const dir = osvDir as string;
    const zip = buildZip(
      [...files(dir)].map((f) => ({ name: relative(dir, f).replace(/.*\//, ""), data: readFileSync(f) })),
    );
    const zipPath = join(tmp, "all.zip");
    writeFileSync(zipPath, zip);
    const db = await freshDb("osv-zip");
    const s = await importFeeds(db, [zipPath]);
    assert.equal(s.feeds[0]?.importer, "osv-zip");
    assert.equal(s.records, 299);
    const rec = await one(db, "npm", "qs", "GHSA-hrpp-h998-j3pp");
    assert.equal(
      rec?.affected?.filter((a) => a.package?.name === "qs").length,
      9,
      "nine ranges, one per affected entry",
    );
    await db.close();
  });

  it("drops an empty fixed event (GitHub's 'no fix') and keeps the range open, with a warning naming the record", async () => {
    const db = await freshDb("osv-empty-fixed");
    const s = await importFeeds(db, [osvDir as string]);
    assert.ok(s.warnings.some((w) => w.includes("GHSA-226w-6hhj-69hp") && w.includes("empty")));
    const rec = await one(db, "npm", "cal_rd", "GHSA-226w-6hhj-69hp");
    assert.deepEqual(entryFor(rec, "npm", "cal_rd")?.ranges?.[0]?.events, [{ introduced: "0.0.0" }]);
    await db.close();
  });
});

describe("Alpine secdb importer", { skip }, () => {
  it("converts vuln-list's split files: one record per id, fixed = the secfixes key, '0' = not affected", async () => {
    const db = await freshDb("alpine-split");
    const s = await importFeeds(db, [
      join(secdbDir as string, "v3.18-main-busybox.vuln-list.json"),
      join(secdbDir as string, "v3.18-main-openssl.vuln-list.json"),
    ]);
    assert.deepEqual(
      s.feeds.map((f) => f.feed),
      ["alpine-secdb:v3.18/main/busybox", "alpine-secdb:v3.18/main/openssl"],
    );
    const rec = await one(db, "Alpine:v3.18", "busybox", "CVE-2022-48174");
    assert.equal(rec?.id, "CVE-2022-48174");
    assert.deepEqual(entryFor(rec, "Alpine:v3.18", "busybox")?.ranges, [
      { type: "ECOSYSTEM", events: [{ introduced: "0" }, { fixed: "1.36.1-r1" }] },
    ]);
    const ids = (await db.lookup("Alpine:v3.18", ["busybox"])).get("busybox")?.map((r) => r.record.id) ?? [];
    assert.ok(ids.includes("ALPINE-13661"), "non-CVE ids become records too");
    for (const never of ["CVE-2021-42373", "CVE-2021-42376", "CVE-2021-42377"])
      assert.ok(!ids.includes(never), `${never} is listed under "0" (not affected)`);
    assert.equal(ids.length, 26);
    const both = (await db.lookup("Alpine:v3.18", ["openssl"])).get("openssl") ?? [];
    assert.ok(both.length > 0 && both.every((r) => r.source === "alpine-secdb"));
    await db.close();
  });

  it("reads a whole secdb file in JSON (claircore) and in YAML (alpine-secdb v3.11, vunnel v3.15)", async () => {
    const db = await freshDb("alpine-whole");
    const v311 = join(vulndata as string, "alpine", "v3.11-main.yaml");
    const s = await importFeeds(db, [
      join(secdbDir as string, "v3.15-main-truncated.claircore.json"),
      v311,
      join(vulndata as string, "formats", "vunnel", "alpine-secdb-yaml", "secdb", "v3.15", "community.yaml"),
    ]);
    assert.deepEqual(
      s.feeds.map((f) => f.feed),
      ["alpine-secdb:v3.15/main", "alpine-secdb:v3.11/main", "alpine-secdb:v3.15/community"],
    );
    const bash = await one(db, "Alpine:v3.15", "bash", "CVE-2016-0634");
    assert.deepEqual(entryFor(bash, "Alpine:v3.15", "bash")?.ranges?.[0]?.events, [
      { introduced: "0" },
      { fixed: "4.4.12-r1" },
    ]);
    const ansible = await one(db, "Alpine:v3.11", "ansible", "CVE-2019-14904");
    assert.deepEqual(entryFor(ansible, "Alpine:v3.11", "ansible")?.ranges?.[0]?.events, [
      { introduced: "0" },
      { fixed: "2.9.3-r0" },
    ]);
    // Every id listed under a version key of v3.11 is a record (hand count of distinct ids: grep).
    const text = readFileSync(v311, "utf8");
    assert.ok(text.includes("CVE-2019-14904"));
    assert.equal(s.feeds[1]?.records, 1221);
    await db.close();
  });
});

describe("Debian tracker importer", { skip }, () => {
  it("converts the real tracker extract and survives the malformed chromium-browser entry", async () => {
    const db = await freshDb("debian");
    const s = await importFeeds(db, [
      join(vulndata as string, "formats", "vunnel", "debian-tracker-json", "debian.json"),
    ]);
    assert.equal(s.records, 5);
    assert.ok(
      s.warnings.some((w) => w.includes("chromium-browser") && w.includes("CVE-2022-0358")),
      String(s.warnings),
    );
    const c12 = await one(db, "Debian:12", "chromium", "CVE-2022-0456");
    assert.deepEqual(entryFor(c12, "Debian:12", "chromium")?.ranges?.[0]?.events, [
      { introduced: "0" },
      { fixed: "98.0.4758.80-1" },
    ]);
    const c10 = entryFor(c12, "Debian:10", "chromium");
    assert.deepEqual(c10?.ranges?.[0]?.events, [{ introduced: "0" }], "open: no end event");
    assert.deepEqual(c10?.database_specific, { urgency: "end-of-life", status: "open" });
    const proto = (await db.lookup("Debian:9", ["prototypejs"])).get("prototypejs")?.map((r) => r.record.id);
    assert.deepEqual(proto, ["CVE-2008-7220"], "CVE-2007-2383 has fixed_version 0 everywhere: not affected");
    assert.ok(!(await db.ecosystems()).some((e) => e.ecosystem.includes("sid")));
    await db.close();
  });

  it("converts the bookworm file of the test image: open CVEs without a fix, fixed_version 0 left out", async () => {
    const db = await freshDb("bookworm");
    const s = await importFeeds(db, [join(vulndata as string, "debian", "bookworm-tracker-shared.json")]);
    assert.equal(s.records, 4);
    const tar = await one(db, "Debian:12", "tar", "CVE-2005-2541");
    const e = entryFor(tar, "Debian:12", "tar");
    assert.deepEqual(e?.ranges, [{ type: "ECOSYSTEM", events: [{ introduced: "0" }] }]);
    assert.deepEqual(e?.database_specific, { urgency: "unimportant", status: "open" });
    assert.equal((await db.lookup("Debian:12", ["xz-utils"])).get("xz-utils")?.length, 0);
    const [stored] = (await db.lookup("Debian:12", ["tar"])).get("tar") ?? [];
    assert.equal(stored?.source, "debian-tracker");
    await db.close();
  });
});
