/**
 * `portcullis db` as a new user tries it (QA pass): every subcommand's --help teaches with
 * examples, `db export` refuses outputs it must not write (a directory, the database itself, a
 * missing folder) before doing any work, `db status` follows the common -f rule (JSON when piped)
 * and -q, and an SQLite file that is not an export is bad input (exit 2), not a broken database.
 */
import assert from "node:assert/strict";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import Database from "better-sqlite3";
import { runCli } from "../support/cli.js";

const RECORD = {
  id: "GHSA-qa00-0000-0001",
  modified: "2024-01-01T00:00:00Z",
  aliases: ["CVE-2099-0001"],
  affected: [
    {
      package: { ecosystem: "npm", name: "qa-pkg" },
      ranges: [{ type: "SEMVER", events: [{ introduced: "0" }, { fixed: "1.0.1" }] }],
    },
  ],
};

describe("portcullis db: new-user QA", () => {
  const dir = mkdtempSync(join(tmpdir(), "portcullis-db-qa-"));
  const db = join(dir, "vuln.db");
  before(async () => {
    const feed = join(dir, "record.json");
    writeFileSync(feed, JSON.stringify(RECORD));
    const r = await runCli(["db", "import", feed, "--db", db, "-q"]);
    assert.equal(r.code, 0, r.stderr);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const sub of ["import", "update", "export", "status"]) {
    it(`db ${sub} --help shows examples of db ${sub}`, async () => {
      const r = await runCli(["db", sub, "--help"]);
      assert.equal(r.code, 0, r.stderr);
      const examples = r.stdout.split("Examples:")[1] ?? "";
      assert.match(examples, new RegExp(`portcullis db ${sub}\\b`), r.stdout);
    });
  }

  it("db export refuses a directory, the database itself and a missing folder (exit 2, nothing written)", async () => {
    const cases: [string, RegExp][] = [
      [dir, /is a directory; name the file to write/],
      [db, /is the database being exported; name another file/],
      [join(dir, "no", "such", "x.db"), /cannot write it: folder .*such does not exist/],
    ];
    for (const [out, msg] of cases) {
      const r = await runCli(["db", "export", out, "--db", db]);
      assert.equal(r.code, 2, `${out}: ${r.stderr}`);
      assert.match(r.stderr, msg);
      assert.ok(r.stderr.includes(out), r.stderr);
      assert.doesNotMatch(r.stderr, /\.tmp|at .*\.ts:\d+/);
    }
    assert.equal(existsSync(join(dir, "no")), false, "no folder created");
    const status = await runCli(["db", "status", "--db", db, "-f", "json"]);
    assert.equal(JSON.parse(status.stdout).sources[0].records, 1, "the database is intact");
  });

  it("db status prints JSON when piped and -q keeps the stale warning off stderr", async () => {
    const old = join(dir, "old.db");
    const out = await runCli(["db", "export", old, "--db", db, "-q"]);
    assert.equal(out.code, 0, out.stderr);
    const d = new Database(old);
    d.prepare("UPDATE sources SET updated_at = '2020-01-01T00:00:00.000Z'").run();
    d.close();
    let r = await runCli(["db", "status", "--db", old]);
    assert.equal(r.code, 0, r.stderr);
    const json = JSON.parse(r.stdout) as { schemaVersion: number; warning?: string };
    assert.equal(json.schemaVersion, 1);
    assert.match(json.warning ?? "", /last updated \d+ days ago/);
    assert.match(r.stderr, /^warning: the vulnerability database was last updated/);
    r = await runCli(["db", "status", "--db", old, "-q"]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, "");
    assert.match(JSON.parse(r.stdout).warning, /last updated/);
  });

  it("db import of an SQLite file that is no Portcullis export is bad input (exit 2) naming the file", async () => {
    const other = join(dir, "other.sqlite");
    const d = new Database(other);
    d.exec("CREATE TABLE notes (body TEXT)");
    d.close();
    const target = join(dir, "target.db");
    const r = await runCli(["db", "import", other, "--db", target]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /other\.sqlite: an SQLite file, but not a Portcullis vulnerability database/);
  });

  it("a first db update that cannot download leaves no empty database behind (exit 3)", async () => {
    const fresh = join(dir, "fresh", "vuln.db");
    const r = await runCli([
      "db",
      "update",
      "--db",
      fresh,
      "--source",
      "osv:npm",
      "--mirror",
      "http://127.0.0.1:1",
      "--retries",
      "0",
    ]);
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /cannot reach http:\/\/127\.0\.0\.1:1\/osv\/npm\/all\.zip/);
    assert.equal(existsSync(fresh), false, "no database file left");
    const status = await runCli(["db", "status", "--db", fresh]);
    assert.equal(status.code, 3);
    assert.match(status.stderr, /no vulnerability database at .*run 'portcullis db update'/);
  });

  it("a malformed postgres:// URL is bad usage (exit 2), its password never printed", async () => {
    const r = await runCli(["db", "status", "--db", "postgres://scanner:s3cret@[bad/vulns"]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(
      r.stderr,
      /not a valid PostgreSQL URL \(expected postgres:\/\/user\[:password\]@host\[:port\]\/database\)/,
    );
    assert.doesNotMatch(r.stderr, /s3cret/);
  });

  it("an Alpine secdb or Debian tracker file inside an OSV directory: the warning says to import it by name", async () => {
    const mixed = join(dir, "mixed");
    mkdirSync(mixed);
    writeFileSync(join(mixed, "record.json"), JSON.stringify(RECORD));
    writeFileSync(
      join(mixed, "main.json"),
      JSON.stringify({
        distroversion: "v3.18",
        reponame: "main",
        packages: [{ pkg: { name: "busybox", secfixes: {} } }],
      }),
    );
    writeFileSync(
      join(mixed, "tracker.json"),
      JSON.stringify({
        systemd: { "CVE-2023-7008": { releases: { bookworm: { status: "open", urgency: "low" } } } },
      }),
    );
    const r = await runCli(["db", "import", mixed, "--db", join(dir, "mixed.db")]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /imported 1 records/);
    assert.match(
      r.stderr,
      /not an OSV record \(no "id"\); skipped \(it is an Alpine secdb file: import it by its own name/,
    );
    assert.match(r.stderr, /skipped \(it is a Debian security tracker file: import it by its own name/);
  });
});
