/**
 * `portcullis db` through the real CLI: the bad-input table of issue 11 (each a clear error
 * naming the file and what is wrong, the right exit code, nothing written), status output, and
 * export → import.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import Database from "better-sqlite3";
import { type CliResult, runCli } from "../support/cli.js";
import { repoRoot } from "../support/shared.js";
import { buildZip, osvRecord } from "./zip-writer.js";

const tmp = mkdtempSync(join(tmpdir(), "portcullis-db-cli-"));
chmodSync(tmp, 0o755);
after(() => rmSync(tmp, { recursive: true, force: true }));
let n = 0;

function file(name: string, data: string | Buffer): string {
  const p = join(tmp, `${++n}-${name}`);
  writeFileSync(p, data);
  return p;
}

const good = () =>
  buildZip([
    { name: "GHSA-a.json", data: JSON.stringify(osvRecord("GHSA-a", "npm", "pkg", "1.0.0")) },
    { name: "GHSA-b.json", data: JSON.stringify(osvRecord("GHSA-b", "npm", "pkg", "2.0.0")) },
  ]);

/** A database holding GHSA-seed, to check that a failed import leaves it as it was. */
async function seededDb(): Promise<string> {
  const db = join(tmp, `${++n}-seed.db`);
  const r = await runCli([
    "db",
    "import",
    "--db",
    db,
    file("seed.json", JSON.stringify(osvRecord("GHSA-seed", "npm", "pkg", "1.0.0"))),
  ]);
  assert.equal(r.code, 0, r.stderr);
  return db;
}

async function idsIn(db: string): Promise<string[]> {
  const r = await runCli(["db", "status", "--db", db, "-f", "json"]);
  assert.equal(r.code, 0, r.stderr);
  const d = new Database(db, { readonly: true });
  const rows = d.prepare("SELECT id FROM records ORDER BY id").all() as { id: string }[];
  d.close();
  return rows.map((x) => x.id);
}

interface BadCase {
  name: string;
  input: () => string;
  code: number;
  stderr: RegExp;
}

const BAD_INPUT: BadCase[] = [
  {
    name: "a truncated all.zip",
    input: () => file("truncated.zip", good().subarray(0, 120)),
    code: 2,
    stderr: /truncated/,
  },
  {
    name: "a corrupt all.zip (damaged entry data)",
    input: () => {
      const z = good();
      z[z.indexOf("GHSA-b.json") + 14] ^= 0xff;
      return file("corrupt.zip", z);
    },
    code: 2,
    stderr: /GHSA-b\.json: (cannot inflate|size or CRC-32 does not match)/,
  },
  {
    name: "a feed that is HTML instead of JSON",
    input: () => file("feed.json", "<!DOCTYPE html>\n<html><body>Rate limited</body></html>"),
    code: 2,
    stderr: /is HTML/,
  },
  {
    name: "a file that is no feed at all",
    input: () => file("notes.txt", "just some text\n"),
    code: 2,
    stderr: /not a vulnerability feed Portcullis reads; expected .*OSV/,
  },
  {
    name: "an Alpine secdb without a distroversion",
    input: () => file("secdb.json", JSON.stringify({ apkurl: "x", packages: [] })),
    code: 2,
    stderr: /expected "distroversion"/,
  },
  {
    name: "a Debian tracker file that is not an object of packages",
    input: () => file("tracker.json", '{"pkg": {"CVE-2024-1": {"releases": {"bookworm": 5}}}} trailing'),
    code: 2,
    stderr: /not valid JSON/,
  },
];

describe("db import: bad input", () => {
  for (const c of BAD_INPUT)
    it(`rejects ${c.name} with exit ${c.code}, naming the file, and leaves the database as it was`, async () => {
      const db = await seededDb();
      const input = c.input();
      const r = await runCli(["db", "import", "--db", db, input]);
      assert.equal(r.code, c.code, r.stderr);
      assert.match(r.stderr, c.stderr);
      assert.ok(r.stderr.includes(input), `names ${input}: ${r.stderr}`);
      assert.doesNotMatch(r.stderr, /\n\s+at /, "no stack trace");
      assert.deepEqual(await idsIn(db), ["GHSA-seed"]);
    });

  it("does not create a database when the only input is bad", async () => {
    const db = join(tmp, "never.db");
    const r = await runCli(["db", "import", "--db", db, file("x.txt", "hello")]);
    assert.equal(r.code, 2);
    assert.ok(!existsSync(db));
  });

  it("skips a range of an unknown type and a range with an invalid version, warning with the record id, and imports the rest", async () => {
    const db = join(tmp, "warn.db");
    const weird = osvRecord("GHSA-weird", "npm", "w", "1.0.0");
    (weird.affected as { ranges: unknown[] }[])[0]?.ranges.push({
      type: "BOGUS",
      events: [{ introduced: "0" }],
    });
    const invalid = osvRecord("PYSEC-bad", "PyPI", "p", "not a version!");
    const dir = mkdtempSync(join(tmp, "warn-"));
    writeFileSync(join(dir, "weird.json"), JSON.stringify(weird));
    writeFileSync(join(dir, "bad.json"), JSON.stringify(invalid));
    writeFileSync(join(dir, "ok.json"), JSON.stringify(osvRecord("GHSA-ok", "npm", "w", "2.0.0")));
    writeFileSync(join(dir, "broken.json"), "{ not json");
    const r = await runCli(["db", "import", "--db", db, dir]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stderr, /GHSA-weird.*range type "BOGUS".*range skipped/);
    assert.match(r.stderr, /PYSEC-bad.*fixed version "not a version!" is invalid/);
    assert.match(r.stderr, /broken\.json: not valid JSON/);
    assert.match(r.stdout, /imported 3 records/);
    const d = new Database(db, { readonly: true });
    const body = d.prepare("SELECT body FROM records WHERE id = 'GHSA-weird'").get() as { body: string };
    d.close();
    assert.equal(JSON.parse(body.body).affected[0].ranges.length, 1, "the ECOSYSTEM range is kept");
  });
});

function runAsNobody(args: string[]): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      "runuser",
      ["-u", "nobody", "--", process.execPath, "--import", "tsx", join(repoRoot, "src/cli/main.ts"), ...args],
      { cwd: repoRoot, env: { ...process.env, NO_COLOR: "1" } },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
    child.on("error", reject);
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

describe("db: operational errors (exit 3)", () => {
  it("says how to get a database when there is none", async () => {
    const r = await runCli(["db", "status", "--db", join(tmp, "missing.db")]);
    assert.equal(r.code, 3);
    assert.match(
      r.stderr,
      /no vulnerability database at .*missing\.db; run 'portcullis db update'.*db import/,
    );
  });

  it("uses PORTCULLIS_DB, then $XDG_CACHE_HOME/portcullis/vuln.db", async () => {
    const xdg = mkdtempSync(join(tmp, "xdg-"));
    let r = await runCli(["db", "status"], { env: { PORTCULLIS_DB: undefined, XDG_CACHE_HOME: xdg } });
    assert.equal(r.code, 3);
    assert.ok(r.stderr.includes(join(xdg, "portcullis", "vuln.db")), r.stderr);
    r = await runCli(["db", "status"], { env: { PORTCULLIS_DB: join(tmp, "env.db"), XDG_CACHE_HOME: xdg } });
    assert.ok(r.stderr.includes(join(tmp, "env.db")), r.stderr);
  });

  it("refuses a database from a newer schema", async () => {
    const db = await seededDb();
    const d = new Database(db);
    d.prepare("UPDATE schema_version SET version = 42").run();
    d.close();
    for (const args of [
      ["db", "status"],
      ["db", "import", file("s.json", JSON.stringify(osvRecord("GHSA-z", "npm", "z", "1.0.0")))],
    ]) {
      const r = await runCli([...args, "--db", db]);
      assert.equal(r.code, 3);
      assert.match(r.stderr, /schema 42 is newer than this Portcullis understands/);
    }
  });

  it("reports a database locked by another writer", async () => {
    const db = await seededDb();
    const holder = new Database(db);
    holder.exec("BEGIN IMMEDIATE");
    try {
      const r = await runCli(
        [
          "db",
          "import",
          "--db",
          db,
          file("l.json", JSON.stringify(osvRecord("GHSA-l", "npm", "l", "1.0.0"))),
        ],
        {
          env: { PORTCULLIS_DB_BUSY_TIMEOUT_MS: "200" },
        },
      );
      assert.equal(r.code, 3, r.stderr);
      assert.match(r.stderr, /locked by another process/);
    } finally {
      holder.exec("ROLLBACK");
      holder.close();
    }
    assert.deepEqual(await idsIn(db), ["GHSA-seed"]);
  });

  it("reports a read-only database and still reads it", async () => {
    const dir = mkdtempSync(join(tmp, "ro-"));
    const db = join(dir, "vuln.db");
    let r = await runCli([
      "db",
      "import",
      "--db",
      db,
      file("r.json", JSON.stringify(osvRecord("GHSA-r", "npm", "r", "1.0.0"))),
    ]);
    assert.equal(r.code, 0, r.stderr);
    chmodSync(dir, 0o755);
    chmodSync(db, 0o444);
    const asOther = process.getuid?.() === 0 ? runAsNobody : (args: string[]) => runCli(args);
    if (process.getuid?.() !== 0) chmodSync(dir, 0o555);
    try {
      r = await asOther([
        "db",
        "import",
        "--db",
        db,
        file("r2.json", JSON.stringify(osvRecord("GHSA-r2", "npm", "r", "1.0.0"))),
      ]);
      assert.equal(r.code, 3, r.stderr);
      assert.match(r.stderr, /read-only|cannot open/);
      r = await asOther(["db", "status", "--db", db, "-f", "json"]);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(JSON.parse(r.stdout).sources[0].records, 1);
    } finally {
      chmodSync(dir, 0o755);
    }
  });

  it("reports an unreachable PostgreSQL with exit 3 and no password in the message", async () => {
    const r = await runCli(["db", "status", "--db", "postgres://scanner:s3cret@127.0.0.1:1/vulns"]);
    assert.equal(r.code, 3);
    assert.match(r.stderr, /cannot use PostgreSQL at postgres:\/\/scanner:\*\*\*@127\.0\.0\.1:1\/vulns/);
    assert.ok(!r.stderr.includes("s3cret"));
  });
});

describe("db status and export", () => {
  it("prints sources, counts per ecosystem and schema, warns past the stale threshold, and exports", async () => {
    const db = await seededDb();
    let r = await runCli(["db", "status", "--db", db, "-f", "table"]);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /schema version:\s+1/);
    assert.match(r.stdout, /osv\s+1 records/);
    assert.match(r.stdout, /npm\s+1/);
    assert.doesNotMatch(r.stdout, /warning/);
    const d = new Database(db);
    d.prepare("UPDATE sources SET updated_at = '2020-01-01T00:00:00.000Z'").run();
    d.close();
    r = await runCli(["db", "status", "--db", db, "-f", "json", "--stale-after", "30"]);
    const json = JSON.parse(r.stdout);
    assert.equal(json.schemaVersion, 1);
    assert.deepEqual(json.ecosystems, [{ ecosystem: "npm", records: 1 }]);
    assert.match(json.warning, /last updated \d+ days ago/);
    assert.match(r.stderr, /warning: the vulnerability database was last updated/);
    const out = join(tmp, "carry.db");
    r = await runCli(["db", "export", "--db", db, out]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(readFileSync(out).subarray(0, 15).toString(), "SQLite format 3");
    assert.ok(!existsSync(`${out}-wal`));
    const copy = join(tmp, "copy.db");
    r = await runCli(["db", "import", "--db", copy, out]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(await idsIn(copy), ["GHSA-seed"]);
  });
});
