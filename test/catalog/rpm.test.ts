/**
 * The rpm cataloger against real rpm databases: small packages built at test time with rpmbuild
 * from the specs in test/fixtures/rpm (one with an epoch, one with 300 files whose header blob
 * spans sqlite overflow pages), installed with `rpm --justdb` into a fresh sqlite rpmdb, then
 * read from an image and compared with `rpm -qa` on the same database. Also: the SQLite reader
 * against databases written by the sqlite3 CLI (page sizes 512 and 65536, UTF-16, reserved
 * bytes, every integer width, WAL-only content), corrupt and truncated files, a WAL with
 * committed frames, and the legacy BerkeleyDB / NDB files reported as not supported.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { PackageURL } from "packageurl-js";
import { parseRpmHeaderBlob, RpmHeaderError } from "../../src/catalog/rpm/header-blob.js";
import { openSqlite, SqliteFormatError, summarizeWal } from "../../src/catalog/rpm/sqlite-reader.js";
import {
  identifyLegacyRpmdb,
  parseSourceRpm,
  type RpmdbContents,
  RpmdbError,
  readSqliteRpmdb,
  rpmCataloger,
  rpmNamespace,
} from "../../src/catalog/rpm.js";
import type { Package } from "../../src/catalog/types.js";
import { detectOs, osReleaseRequest } from "../../src/image/os-release.js";
import { readImage } from "../../src/image/read-image.js";
import { type Found, walkImage } from "../../src/image/walk.js";
import { type LayerEntry, writeOciLayout } from "../image/build-layout.js";

const FIXTURES = join(import.meta.dirname, "..", "fixtures", "rpm");
const tmp = mkdtempSync(join(tmpdir(), "portcullis-rpm-test-"));
after(() => rmSync(tmp, { recursive: true, force: true }));

function have(cmd: string, arg = "--version"): boolean {
  try {
    execFileSync(cmd, [arg], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

const HAVE_RPM = have("rpm") && have("rpmbuild");
const SKIP_RPM = HAVE_RPM
  ? false
  : "rpm/rpmbuild not installed (apt-get install --no-install-recommends rpm)";
const HAVE_SQLITE = have("sqlite3");
const SKIP_SQLITE = HAVE_SQLITE ? false : "sqlite3 CLI not installed (apt-get install sqlite3)";
const HAVE_GPG = have("gpg");

const run = (cmd: string, args: string[], cwd?: string) =>
  execFileSync(cmd, args, { encoding: "utf8", cwd, stdio: ["ignore", "pipe", "pipe"], maxBuffer: 64 << 20 });
const rpmDb = (dbpath: string, args: string[]) =>
  run("rpm", ["--dbpath", dbpath, "--define", "_db_backend sqlite", ...args]);
const sqlite = (db: string, ...sql: string[]) => run("sqlite3", [db, ...sql]);

/** Deterministic pseudo-random numbers (mulberry32) for the corruption tests. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The cataloger in an image walk, as catalogOpenedImage runs it (with the per-row problem hook). */
async function catalogRpm(source: string) {
  const image = await readImage(source);
  const errors: { path: string; err: Error }[] = [];
  const problems: { path: string; message: string }[] = [];
  try {
    const { found } = await walkImage(image, [osReleaseRequest, rpmCataloger], {
      onFileError: (path, id, err) => {
        if (id === rpmCataloger.id) errors.push({ path: `/${path}`, err });
      },
    });
    const os = detectOs(found);
    const ctx = { os, problem: (path: string, message: string) => problems.push({ path, message }) };
    const mine = found.filter((f) => f.requestId === rpmCataloger.id) as Found<RpmdbContents>[];
    return { os, packages: rpmCataloger.build(mine, ctx), errors, problems };
  } finally {
    await image.close?.();
  }
}

async function imageWith(name: string, layers: LayerEntry[][]): Promise<string> {
  return `oci:${await writeOciLayout(join(tmp, name), layers)}`;
}

const RHEL_OS: LayerEntry = {
  name: "etc/os-release",
  content: 'NAME="Red Hat Enterprise Linux"\nID="rhel"\nVERSION_ID="9.4"\nID_LIKE="fedora"\n',
};

function allOffsets(haystack: Buffer, needle: Buffer): number[] {
  const out: number[] = [];
  for (let at = haystack.indexOf(needle); at !== -1; at = haystack.indexOf(needle, at + 1)) out.push(at);
  return out;
}

/** `rpm -qa`-style line of a cataloged package, read back from its purl. */
function qaLine(p: Package): string {
  const u = PackageURL.fromString(p.purl);
  const v = u.version ?? "";
  const dash = v.lastIndexOf("-");
  const q = u.qualifiers ?? {};
  return `${u.name} ${q.epoch ?? "(none)"} ${v.slice(0, dash)} ${v.slice(dash + 1)} ${q.arch ?? "(none)"}`;
}

describe("sqlite rpmdb built by rpm", { skip: SKIP_RPM }, () => {
  const dbDir = join(tmp, "db");
  const dbFile = join(dbDir, "rpmdb.sqlite");
  let rpms: string[] = [];
  let db: Buffer;

  before(() => {
    const top = join(tmp, "rpmbuild");
    for (const spec of ["tinypkg", "epochpkg", "manyfiles"])
      run("rpmbuild", ["-bb", "--quiet", "--define", `_topdir ${top}`, join(FIXTURES, `${spec}.spec`)]);
    const dir = join(top, "RPMS", "noarch");
    rpms = readdirSync(dir).map((f) => join(dir, f));
    assert.equal(rpms.length, 3);
    mkdirSync(dbDir, { recursive: true });
    assert.equal(run("rpm", ["--define", "_db_backend sqlite", "--eval", "%_db_backend"]).trim(), "sqlite");
    rpmDb(dbDir, ["--initdb"]);
    rpmDb(dbDir, ["-i", "--justdb", "--nodeps", "--ignoreos", "--ignorearch", ...rpms]);
    db = readFileSync(dbFile);
  });

  test("packages equal `rpm -qa` on the same database, with purls, licenses, path and layer", async () => {
    const expected = rpmDb(dbDir, ["-qa", "--qf", "%{NAME} %{EPOCH} %{VERSION} %{RELEASE} %{ARCH}\\n"])
      .trim()
      .split("\n")
      .sort();
    assert.equal(expected.length, 3);
    const src = await imageWith("main", [
      [RHEL_OS],
      [{ name: "usr/lib/sysimage/rpm/rpmdb.sqlite", content: db }],
    ]);
    const { packages, errors, problems, os } = await catalogRpm(src);
    assert.deepEqual(errors, []);
    assert.deepEqual(problems, []);
    assert.equal(os?.family, "rhel");
    assert.deepEqual(packages.map(qaLine).sort(), expected);

    const licenses = rpmDb(dbDir, [
      "-qa",
      "--qf",
      "%{NAME}\\t%{LICENSE}\\t%{SOURCERPM}\\t%{EPOCHNUM}:%{VERSION}-%{RELEASE}\\n",
    ])
      .trim()
      .split("\n");
    for (const line of licenses) {
      const [name, license, srpm, evr] = line.split("\t");
      const p = packages.find((x) => x.name === name);
      assert.ok(p, name);
      assert.deepEqual(p.licenses, [license]);
      const u = PackageURL.fromString(p.purl);
      assert.equal(u.type, "rpm");
      assert.equal(u.namespace, "redhat");
      assert.equal(u.qualifiers?.distro, "rhel-9.4");
      assert.equal(u.qualifiers?.upstream, srpm);
      assert.equal(p.metadata?.sourceRpm, srpm);
      assert.equal(p.source?.name, name, "source rpm name");
      // Package.version carries the epoch only when the package has one.
      assert.equal(p.version, u.qualifiers?.epoch ? evr : evr.replace(/^0:/, ""));
      assert.deepEqual(p.locations, [
        {
          path: "/usr/lib/sysimage/rpm/rpmdb.sqlite",
          layerIndex: 1,
          layerDigest: p.locations[0].layerDigest,
        },
      ]);
      assert.match(p.locations[0].layerDigest ?? "", /^sha256:/);
      assert.equal(p.foundBy, "rpm");
    }
    const epochPkg = packages.find((p) => p.name === "portcullis-epoch");
    assert.equal(epochPkg?.version, "7:2.0~rc1-1");
    assert.equal(PackageURL.fromString(epochPkg?.purl ?? "").qualifiers?.epoch, "7");
    const tiny = packages.find((p) => p.name === "portcullis-tiny");
    assert.equal(tiny?.metadata?.vendor, "Portcullis Test Vendor");
    assert.equal(PackageURL.fromString(tiny?.purl ?? "").qualifiers?.epoch, undefined);
  });

  test("a header blob larger than a page is read across overflow pages, byte for byte", () => {
    const sq = openSqlite(db);
    const rows = [...sq.rows("Packages")];
    const big = rows
      .map((r) => r.values[1])
      .find((v) => Buffer.isBuffer(v) && v.length > 4 * sq.header.usableSize);
    assert.ok(Buffer.isBuffer(big), "one blob spans several pages");
    assert.equal(parseRpmHeaderBlob(big).name, "portcullis-manyfiles");
    // The Packages root is an interior page (0x05): the leaf walk went through it.
    const root = sq.schema().find((e) => e.name === "Packages")?.rootPage ?? 0;
    assert.equal(db[(root - 1) * sq.header.pageSize], 0x05);
    if (HAVE_SQLITE) {
      for (const r of rows) {
        const hex = sqlite(dbFile, `select hex(blob) from Packages where hnum=${r.rowid}`).trim();
        assert.equal((r.values[1] as Buffer).toString("hex").toUpperCase(), hex, `row ${r.rowid}`);
      }
    }
  });

  test("gpg-pubkey entries (imported keys) are skipped", {
    skip: HAVE_GPG ? false : "gpg not installed",
  }, async () => {
    const home = mkdtempSync(join(tmp, "gnupg-"));
    const env = { ...process.env, GNUPGHOME: home };
    execFileSync(
      "gpg",
      [
        "--batch",
        "--pinentry-mode",
        "loopback",
        "--passphrase",
        "",
        "--quick-gen-key",
        "Test <t@example.invalid>",
        "ed25519",
        "sign",
        "never",
      ],
      { env, stdio: "ignore" },
    );
    const key = join(tmp, "key.asc");
    writeFileSync(key, execFileSync("gpg", ["--armor", "--export"], { env }));
    const keyed = join(tmp, "db-keyed");
    mkdirSync(keyed);
    copyFileSync(dbFile, join(keyed, "rpmdb.sqlite"));
    rpmDb(keyed, ["--import", key]);
    const names = rpmDb(keyed, ["-qa", "--qf", "%{NAME}\\n"]).trim().split("\n");
    assert.ok(names.includes("gpg-pubkey"));
    // The raw database read sees it; the cataloger does not list it.
    const raw = readSqliteRpmdb(readFileSync(join(keyed, "rpmdb.sqlite")));
    assert.ok(raw.packages.some((p) => p.name === "gpg-pubkey"));
    const src = await imageWith("keyed", [
      [{ name: "var/lib/rpm/rpmdb.sqlite", content: readFileSync(join(keyed, "rpmdb.sqlite")) }],
    ]);
    const { packages, errors } = await catalogRpm(src);
    assert.deepEqual(errors, []);
    assert.deepEqual(packages.map((p) => p.name).sort(), names.filter((n) => n !== "gpg-pubkey").sort());
    // No os-release: the namespace falls back to the vendor when it is a known one, else none.
    assert.equal(PackageURL.fromString(packages[0].purl).qualifiers?.distro, undefined);
  });

  test("a truncated database gives a typed error entry naming the file, and no packages", async () => {
    const src = await imageWith("truncated", [
      [RHEL_OS, { name: "var/lib/rpm/rpmdb.sqlite", content: db.subarray(0, db.length >> 1) }],
    ]);
    const { packages, errors } = await catalogRpm(src);
    assert.deepEqual(packages, []);
    assert.equal(errors.length, 1);
    assert.equal(errors[0].path, "/var/lib/rpm/rpmdb.sqlite");
    assert.ok(errors[0].err instanceof RpmdbError);
    assert.equal((errors[0].err as RpmdbError).code, "bad-database");
    assert.match(errors[0].err.message, /\/var\/lib\/rpm\/rpmdb\.sqlite: .*header says \d+ pages/);
  });

  test("a bad header blob is reported for its row; the other packages are still listed", async () => {
    const bad = Buffer.from(db);
    const tinyBlob = [...openSqlite(db).rows("Packages")]
      .map((r) => r.values[1] as Buffer)
      .find((b) => parseRpmHeaderBlob(b).name === "portcullis-tiny");
    assert.ok(tinyBlob);
    // Stale copies of the cell may sit in free space: damage every copy.
    const at = allOffsets(bad, tinyBlob.subarray(0, 64));
    assert.ok(at.length > 0, "blob found in the file");
    for (const a of at) bad.writeInt32BE(bad.readInt32BE(a + 4) + 1000, a + 4); // data length beyond the blob
    assert.throws(() => parseRpmHeaderBlob(bad.subarray(at[0], at[0] + tinyBlob.length)), RpmHeaderError);
    const src = await imageWith("badblob", [[RHEL_OS, { name: "var/lib/rpm/rpmdb.sqlite", content: bad }]]);
    const { packages, errors, problems } = await catalogRpm(src);
    assert.deepEqual(errors, []);
    assert.deepEqual(packages.map((p) => p.name).sort(), ["portcullis-epoch", "portcullis-manyfiles"]);
    assert.equal(problems.length, 1);
    assert.equal(problems[0].path, "/var/lib/rpm/rpmdb.sqlite");
    assert.match(problems[0].message, /bad rpm header blob: row \d+: header says .* data bytes/);

    // A database whose only package is unreadable: an error entry for the file.
    const lone = join(tmp, "db-lone");
    mkdirSync(lone);
    rpmDb(lone, ["--initdb"]);
    rpmDb(lone, ["-i", "--justdb", "--nodeps", "--ignoreos", rpms.find((r) => r.includes("tiny")) ?? ""]);
    const loneDb = readFileSync(join(lone, "rpmdb.sqlite"));
    const loneAt = allOffsets(loneDb, tinyBlob.subarray(0, 64));
    assert.ok(loneAt.length > 0);
    for (const a of loneAt) loneDb.writeUInt32BE(0xffffffff, a); // index count -1
    const src2 = await imageWith("lone", [[{ name: "var/lib/rpm/rpmdb.sqlite", content: loneDb }]]);
    const r2 = await catalogRpm(src2);
    assert.deepEqual(r2.packages, []);
    assert.equal(r2.errors.length, 1);
    assert.equal((r2.errors[0].err as RpmdbError).code, "no-packages");
    assert.match(r2.errors[0].err.message, /index count -1 out of range/);
  });

  test("corrupted bytes anywhere give a typed error or a result, never a crash", () => {
    const rand = prng(8);
    let failures = 0;
    for (let i = 0; i < 400; i++) {
      const copy = Buffer.from(db);
      const flips = 1 + Math.floor(rand() * 4);
      // Half of the runs aim at b-tree page headers and cell pointers, where damage matters most.
      for (let f = 0; f < flips; f++) {
        const page = Math.floor(rand() * (copy.length / 4096));
        const at = i % 2 ? page * 4096 + Math.floor(rand() * 24) : Math.floor(rand() * copy.length);
        copy[at] = Math.floor(rand() * 256);
      }
      try {
        readSqliteRpmdb(copy);
      } catch (err) {
        assert.ok(err instanceof RpmdbError, `run ${i}: ${(err as Error).stack}`);
        failures++;
      }
    }
    assert.ok(failures > 0, "some corruptions are detected");
    // Every truncation point, page by page.
    for (let len = 0; len < db.length; len += 4096) {
      assert.throws(() => readSqliteRpmdb(db.subarray(0, len)), RpmdbError);
    }
  });

  test("a header blob with any damaged byte decodes or throws RpmHeaderError", () => {
    const blob = [...openSqlite(db).rows("Packages")][0].values[1] as Buffer;
    const rand = prng(3);
    for (let i = 0; i < 2000; i++) {
      const copy = Buffer.from(blob);
      // The index (first 8 + 16*il bytes) is where damage leads to out-of-bounds reads.
      const at = Math.floor(rand() * Math.min(copy.length, i % 2 ? 400 : copy.length));
      copy[at] = Math.floor(rand() * 256);
      try {
        parseRpmHeaderBlob(copy);
      } catch (err) {
        assert.ok(err instanceof RpmHeaderError, `run ${i}: ${(err as Error).stack}`);
      }
    }
    for (let len = 0; len < blob.length; len += 7)
      assert.throws(() => parseRpmHeaderBlob(blob.subarray(0, len)), RpmHeaderError);
  });

  test("a WAL with committed frames is reported; the packages of the main file are still listed", {
    skip: SKIP_SQLITE,
  }, async () => {
    const walDir = join(tmp, "db-wal");
    const snap = join(tmp, "db-wal-snapshot");
    mkdirSync(walDir);
    mkdirSync(snap);
    copyFileSync(dbFile, join(walDir, "rpmdb.sqlite"));
    // Snapshot the files while the connection still holds uncheckpointed frames.
    sqlite(
      join(walDir, "rpmdb.sqlite"),
      "PRAGMA journal_mode=WAL; PRAGMA wal_autocheckpoint=0;",
      "CREATE TABLE probe(x); INSERT INTO probe VALUES (1);",
      `.shell cp ${join(walDir, "rpmdb.sqlite")} ${join(walDir, "rpmdb.sqlite-wal")} ${snap}/`,
    );
    const wal = readFileSync(join(snap, "rpmdb.sqlite-wal"));
    assert.ok(summarizeWal(wal).committedFrames > 0);
    const src = await imageWith("wal", [
      [RHEL_OS, { name: "var/lib/rpm/rpmdb.sqlite", content: readFileSync(join(snap, "rpmdb.sqlite")) }],
      [{ name: "var/lib/rpm/rpmdb.sqlite-wal", content: wal }],
    ]);
    const { packages, errors } = await catalogRpm(src);
    assert.equal(packages.length, 3);
    assert.equal(errors.length, 1);
    assert.equal(errors[0].path, "/var/lib/rpm/rpmdb.sqlite-wal");
    assert.equal((errors[0].err as RpmdbError).code, "wal-pending");
  });
});

describe("legacy rpm databases", () => {
  test("BerkeleyDB Packages and NDB Packages.db give a 'not supported yet' error entry each", async () => {
    // Neither backend can be written here (Debian's rpm has only sqlite and read-only bdb), so
    // these are the first page of each format: the BerkeleyDB hash metadata page (magic
    // 0x00061561 at offset 12, host byte order) and the NDB package index header ("RpmP").
    const bdb = Buffer.alloc(4096);
    bdb.writeUInt32LE(0x00061561, 12);
    bdb.writeUInt32LE(9, 16); // version
    bdb.writeUInt32LE(4096, 20); // page size
    const ndb = Buffer.alloc(4096);
    ndb.write("RpmP", 0, "latin1");
    ndb.writeUInt32LE(0, 4); // version
    const src = await imageWith("legacy", [
      [RHEL_OS, { name: "var/lib/rpm/Packages", content: bdb }],
      [{ name: "usr/lib/sysimage/rpm/Packages.db", content: ndb }],
    ]);
    const { packages, errors } = await catalogRpm(src);
    assert.deepEqual(packages, []);
    const byPath = Object.fromEntries(errors.map((e) => [e.path, e.err]));
    assert.deepEqual(Object.keys(byPath).sort(), [
      "/usr/lib/sysimage/rpm/Packages.db",
      "/var/lib/rpm/Packages",
    ]);
    for (const err of Object.values(byPath)) {
      assert.ok(err instanceof RpmdbError);
      assert.equal(err.code, "unsupported-backend");
      assert.match(err.message, /not supported yet/);
    }
    assert.match(byPath["/var/lib/rpm/Packages"].message, /BerkeleyDB hash/);
    assert.match(byPath["/usr/lib/sysimage/rpm/Packages.db"].message, /NDB/);
    assert.equal(identifyLegacyRpmdb(Buffer.from("nothing")), "an rpm database in an unrecognised format");
  });

  test("other files in the rpm directories are not wanted", () => {
    const file = (size: number) => ({ type: "file" as const, size, mode: 0o644, path: "" });
    assert.equal(rpmCataloger.wants("var/lib/rpm/rpmdb.sqlite", file(100)), true);
    assert.equal(rpmCataloger.wants("usr/lib/sysimage/rpm/rpmdb.sqlite", file(100)), true);
    assert.equal(rpmCataloger.wants("var/lib/rpm/rpmdb.sqlite-shm", file(100)), false);
    assert.equal(rpmCataloger.wants("var/lib/rpm/rpmdb.sqlite-wal", file(0)), false);
    assert.equal(rpmCataloger.wants("var/lib/rpm/Packages", file(0)), false);
    assert.equal(rpmCataloger.wants("var/lib/rpm/sub/rpmdb.sqlite", file(100)), false);
    assert.equal(rpmCataloger.wants("opt/var/lib/rpm/rpmdb.sqlite", file(100)), false);
  });
});

describe("purl rules", () => {
  test("namespace from os-release ID, else the vendor", () => {
    assert.equal(rpmNamespace("rhel", "Red Hat, Inc."), "redhat");
    assert.equal(rpmNamespace("fedora", undefined), "fedora");
    assert.equal(rpmNamespace("opensuse-leap", "SUSE LLC"), "opensuse");
    assert.equal(rpmNamespace("amzn", undefined), "amzn");
    assert.equal(rpmNamespace(undefined, "Red Hat, Inc."), "redhat");
    assert.equal(rpmNamespace(undefined, "openSUSE"), "opensuse");
    assert.equal(rpmNamespace(undefined, "Some Company"), undefined);
    assert.equal(rpmNamespace(undefined, undefined), undefined);
  });

  test("source rpm names split into name and version-release", () => {
    assert.deepEqual(parseSourceRpm("bash-5.1.8-6.el9.src.rpm"), { name: "bash", version: "5.1.8-6.el9" });
    assert.deepEqual(parseSourceRpm("python-setuptools-53.0.0-12.el9.src.rpm"), {
      name: "python-setuptools",
      version: "53.0.0-12.el9",
    });
    assert.deepEqual(parseSourceRpm("odd.src.rpm"), { name: "odd" });
  });
});

describe("SQLite reader on databases written by sqlite3", { skip: SKIP_SQLITE }, () => {
  /** Our rows of table t next to sqlite3's own rendering of the same rows. */
  function compare(db: string, columns: string) {
    const ours = [...openSqlite(readFileSync(db)).rows("t")];
    const theirs = JSON.parse(
      sqlite(db, ".mode json", `select id, ${columns} from t order by id`) || "[]",
    ) as Record<string, string | number | null>[];
    assert.equal(ours.length, theirs.length);
    return { ours, theirs };
  }

  test("page size 512: deep b-tree, every payload size from 0 to 2000 bytes (local and overflow)", () => {
    const db = join(tmp, "p512.db");
    sqlite(
      db,
      "PRAGMA page_size=512;",
      "CREATE TABLE t(id INTEGER PRIMARY KEY, n INTEGER, f REAL, s TEXT, b BLOB);",
      "WITH RECURSIVE c(i) AS (SELECT 0 UNION ALL SELECT i+1 FROM c WHERE i<2000) INSERT INTO t SELECT i, i*i-5000, i/7.0, 'row ' || i, randomblob(i) FROM c;",
    );
    const { ours, theirs } = compare(db, "cast(n as text) as n, cast(f as text) as f, s, hex(b) as b");
    const sq = openSqlite(readFileSync(db));
    assert.equal(sq.header.pageSize, 512);
    for (let i = 0; i < ours.length; i++) {
      const [idNull, n, f, s, b] = ours[i].values;
      assert.equal(idNull, null, "INTEGER PRIMARY KEY is stored as NULL");
      assert.equal(ours[i].rowid, theirs[i].id);
      assert.equal(String(n), theirs[i].n);
      // sqlite3 prints 15 significant digits; the stored double is exactly id/7 in IEEE arithmetic.
      assert.equal(f, ours[i].rowid === undefined ? NaN : Number(ours[i].rowid) / 7);
      assert.ok(Math.abs((f as number) - Number(theirs[i].f)) < 1e-12);
      assert.equal(s, theirs[i].s);
      assert.equal((b as Buffer).toString("hex").toUpperCase(), theirs[i].b);
    }
  });

  test("page size 65536 (stored as 1), big blobs, reserved bytes", () => {
    const db = join(tmp, "p64k.db");
    sqlite(
      db,
      ".filectrl reserve_bytes 40",
      "PRAGMA page_size=65536;",
      "CREATE TABLE t(id INTEGER PRIMARY KEY, b BLOB);",
      "INSERT INTO t SELECT value, randomblob(value * 37000) FROM generate_series(0, 12);",
    );
    const raw = readFileSync(db);
    assert.equal(raw.readUInt16BE(16), 1);
    const sq = openSqlite(raw);
    assert.equal(sq.header.pageSize, 65536);
    assert.equal(sq.header.reservedBytes, 40);
    assert.equal(sq.header.usableSize, 65536 - 40);
    const { ours, theirs } = compare(db, "hex(b) as b");
    for (let i = 0; i < ours.length; i++)
      assert.equal((ours[i].values[1] as Buffer).toString("hex").toUpperCase(), theirs[i].b);
  });

  test("UTF-16 text and every integer width", () => {
    for (const enc of ["UTF-16le", "UTF-16be", "UTF-8"]) {
      const db = join(tmp, `enc-${enc}.db`);
      sqlite(
        db,
        `PRAGMA encoding='${enc}';`,
        "CREATE TABLE t(id INTEGER PRIMARY KEY, s TEXT, n INTEGER);",
        "INSERT INTO t(s, n) VALUES ('Grüße ☃ 𝄞', 0), ('', 1), ('x', -1), ('a', 127), ('b', 128), ('c', -32768), ('d', 8388607), ('e', 2147483648), ('f', 140737488355327), ('g', 9007199254740993), ('h', -9223372036854775808), ('i', NULL), ('j', 9223372036854775807);",
      );
      const { ours, theirs } = compare(db, "s, cast(n as text) as n");
      for (let i = 0; i < ours.length; i++) {
        const [, s, n] = ours[i].values;
        assert.equal(s, theirs[i].s, enc);
        assert.equal(n === null ? null : String(n), theirs[i].n, enc);
        if (typeof n === "number") assert.ok(Number.isSafeInteger(n));
      }
    }
  });

  test("WITHOUT ROWID tables and missing tables are refused with a code", () => {
    const db = join(tmp, "norowid.db");
    sqlite(db, "CREATE TABLE t(k TEXT PRIMARY KEY, v) WITHOUT ROWID; INSERT INTO t VALUES ('a', 1);");
    const sq = openSqlite(readFileSync(db));
    assert.throws(
      () => [...sq.rows("t")],
      (e: unknown) => e instanceof SqliteFormatError && e.code === "unsupported",
    );
    assert.throws(
      () => [...sq.rows("nope")],
      (e: unknown) => e instanceof SqliteFormatError && e.code === "no-such-table",
    );
    assert.throws(
      () => openSqlite(Buffer.from("not a database at all, really")),
      (e: unknown) => e instanceof SqliteFormatError && e.code === "not-sqlite",
    );
  });

  test("a table that exists only in the WAL is refused as wal-only", () => {
    const dir = join(tmp, "walonly");
    const snap = join(dir, "snap");
    mkdirSync(snap, { recursive: true });
    sqlite(
      join(dir, "w.db"),
      "PRAGMA journal_mode=WAL; PRAGMA wal_autocheckpoint=0;",
      "CREATE TABLE t(x); INSERT INTO t VALUES (1), (2);",
      `.shell cp ${join(dir, "w.db")} ${join(dir, "w.db-wal")} ${snap}/`,
    );
    const main = readFileSync(join(snap, "w.db"));
    const wal = summarizeWal(readFileSync(join(snap, "w.db-wal")));
    assert.ok(wal.committedFrames >= 1);
    assert.equal(wal.pageSize, 4096);
    assert.throws(
      () => [...openSqlite(main).rows("t")],
      (e: unknown) => e instanceof SqliteFormatError && e.code === "wal-only",
    );
  });
});
