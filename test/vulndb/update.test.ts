/**
 * `db update` against a local HTTP server standing in for osv.dev's bucket, secdb.alpinelinux.org
 * and the Debian tracker (via --mirror): first download, the 304 path (ETag and Last-Modified),
 * a changed source replaced whole, an interrupted download and an HTML error page (the old
 * database intact), and a reader during the update seeing the old or the new data, never a mix.
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { openVulnStore } from "../../src/vulndb/index.js";
import { type CliResult, runCli } from "../support/cli.js";
import { repoRoot } from "../support/shared.js";
import { buildZip, osvRecord } from "./zip-writer.js";

interface Served {
  body: Buffer;
  etag?: string;
  lastModified?: string;
  /** Send the full Content-Length, then only this many bytes and drop the connection. */
  cutAfter?: number;
  contentType?: string;
}

const files = new Map<string, Served>();
const log: { path: string; status: number; conditional: boolean }[] = [];
let server: Server;
let base = "";
const tmp = mkdtempSync(join(tmpdir(), "portcullis-db-update-"));

function handler(req: IncomingMessage, res: ServerResponse) {
  const path = new URL(req.url ?? "/", "http://x").pathname;
  const f = files.get(path);
  const conditional = Boolean(req.headers["if-none-match"] || req.headers["if-modified-since"]);
  const answer = (status: number) => log.push({ path, status, conditional });
  if (!f) {
    answer(404);
    res.writeHead(404).end("not found");
    return;
  }
  if (
    (f.etag && req.headers["if-none-match"] === f.etag) ||
    (!f.etag && f.lastModified && req.headers["if-modified-since"] === f.lastModified)
  ) {
    answer(304);
    res.writeHead(304).end();
    return;
  }
  answer(200);
  res.writeHead(200, {
    "content-length": f.body.length,
    "content-type": f.contentType ?? "application/octet-stream",
    ...(f.etag ? { etag: f.etag } : {}),
    ...(f.lastModified ? { "last-modified": f.lastModified } : {}),
  });
  if (f.cutAfter !== undefined) {
    res.write(f.body.subarray(0, f.cutAfter), () => res.destroy());
    return;
  }
  res.end(f.body);
}

before(async () => {
  server = createServer(handler);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
after(async () => {
  await new Promise((r) => server.close(r));
  rmSync(tmp, { recursive: true, force: true });
});

function npmZip(prefix: string, count: number, extra = 0): Buffer {
  const entries = [];
  for (let i = 0; i < count; i++) {
    const id = `GHSA-${prefix}-${String(i).padStart(4, "0")}`;
    entries.push({ name: `${id}.json`, data: JSON.stringify(osvRecord(id, "npm", "mixpkg", "1.0.0")) });
  }
  for (let i = 0; i < extra; i++) {
    const id = `GHSA-fill-${prefix}-${i}`;
    entries.push({
      name: `${id}.json`,
      data: JSON.stringify(
        osvRecord(id, "npm", `filler-${i % 500}`, "1.0.0", { aliases: [`CVE-2024-${i}`] }),
      ),
    });
  }
  return buildZip(entries);
}

const secdb = (fixes: Record<string, string[]>) =>
  Buffer.from(
    JSON.stringify({
      distroversion: "v3.18",
      reponame: "main",
      urlprefix: "https://dl-cdn.alpinelinux.org/alpine",
      packages: [{ pkg: { name: "openssl", secfixes: fixes } }],
    }),
  );

const tracker = (fixed: string) =>
  Buffer.from(
    JSON.stringify({
      openssl: {
        "CVE-2024-0001": {
          releases: { bookworm: { status: "resolved", fixed_version: fixed, urgency: "high" } },
        },
      },
    }),
  );

function serveDefaults(): void {
  files.set("/osv/npm/all.zip", { body: npmZip("old", 3), etag: '"npm-v1"' });
  files.set("/alpine/v3.18/main.json", {
    body: secdb({ "3.1.4-r0": ["CVE-2023-5678"] }),
    lastModified: "Mon, 01 Jan 2024 00:00:00 GMT",
    contentType: "application/json",
  });
  files.set("/debian/json", {
    body: tracker("3.0.11-1~deb12u2"),
    etag: '"deb-v1"',
    contentType: "application/json",
  });
}

const SOURCES = "osv:npm,alpine-secdb:v3.18/main,debian-tracker";
const update = (db: string, ...more: string[]): Promise<CliResult> =>
  runCli(["db", "update", "--db", db, "--mirror", base, "--source", SOURCES, "--retries", "1", ...more]);

async function ids(db: string, ecosystem: string, name: string): Promise<string[]> {
  const store = await openVulnStore(db);
  try {
    return ((await store.lookup(ecosystem, [name])).get(name) ?? []).map((r) => r.record.id);
  } finally {
    await store.close();
  }
}

let dbN = 0;
const freshDb = () => join(tmp, `u${++dbN}.db`);

describe("db update against a local mirror", () => {
  it("downloads every source, then answers an unchanged source with one 304 and no re-import", async () => {
    serveDefaults();
    const db = freshDb();
    log.length = 0;
    let r = await update(db);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /updated 3 sources \(5 records\), 0 unchanged/);
    assert.deepEqual(await ids(db, "npm", "mixpkg"), ["GHSA-old-0000", "GHSA-old-0001", "GHSA-old-0002"]);
    assert.deepEqual(await ids(db, "Alpine:v3.18", "openssl"), ["CVE-2023-5678"]);
    assert.deepEqual(await ids(db, "Debian:12", "openssl"), ["CVE-2024-0001"]);
    assert.deepEqual(
      log.map((l) => [l.path, l.status, l.conditional]),
      [
        ["/osv/npm/all.zip", 200, false],
        ["/alpine/v3.18/main.json", 200, false],
        ["/debian/json", 200, false],
      ],
    );

    log.length = 0;
    r = await update(db);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /updated 0 sources \(0 records\), 3 unchanged/);
    assert.deepEqual(
      log.map((l) => [l.path, l.status, l.conditional]),
      [
        ["/osv/npm/all.zip", 304, true],
        ["/alpine/v3.18/main.json", 304, true],
        ["/debian/json", 304, true],
      ],
    );
    const st = await runCli(["db", "status", "--db", db, "-f", "json"]);
    const status = JSON.parse(st.stdout);
    assert.deepEqual(
      status.sources.map((s: { id: string; records: number; url: string }) => [s.id, s.records, s.url]),
      [
        ["alpine-secdb:v3.18/main", 1, `${base}/alpine/v3.18/main.json`],
        ["debian-tracker", 1, `${base}/debian/json`],
        ["osv:npm", 3, `${base}/osv/npm/all.zip`],
      ],
    );
  });

  it("replaces a changed source whole and leaves the unchanged ones alone", async () => {
    serveDefaults();
    const db = freshDb();
    assert.equal((await update(db)).code, 0);
    files.set("/osv/npm/all.zip", { body: npmZip("new", 2), etag: '"npm-v2"' });
    log.length = 0;
    const r = await update(db);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /updated 1 sources \(2 records\), 2 unchanged/);
    assert.deepEqual(await ids(db, "npm", "mixpkg"), ["GHSA-new-0000", "GHSA-new-0001"]);
    assert.deepEqual(
      log.map((l) => l.status),
      [200, 304, 304],
    );
  });

  it("keeps the old database when a download is interrupted mid-way (after retrying)", async () => {
    serveDefaults();
    const db = freshDb();
    assert.equal((await update(db)).code, 0);
    const body = npmZip("new", 50);
    files.set("/osv/npm/all.zip", { body, etag: '"npm-v3"', cutAfter: Math.floor(body.length / 2) });
    files.set("/alpine/v3.18/main.json", {
      body: secdb({ "3.1.5-r0": ["CVE-2024-9999"] }),
      lastModified: "Tue, 02 Jan 2024 00:00:00 GMT",
    });
    log.length = 0;
    const r = await update(db);
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, /osv\/npm\/all\.zip/);
    assert.match(r.stderr, /gave up after 2 attempts/);
    assert.equal(log.filter((l) => l.path === "/osv/npm/all.zip").length, 2, "one retry");
    assert.deepEqual(await ids(db, "npm", "mixpkg"), ["GHSA-old-0000", "GHSA-old-0001", "GHSA-old-0002"]);
    assert.deepEqual(
      await ids(db, "Alpine:v3.18", "openssl"),
      ["CVE-2023-5678"],
      "nothing of the update is written",
    );
  });

  it("refuses an HTML error page served instead of a feed, leaving the database as it was", async () => {
    serveDefaults();
    const db = freshDb();
    assert.equal((await update(db)).code, 0);
    files.set("/debian/json", {
      body: Buffer.from("<!doctype html><html><body>502 Bad Gateway</body></html>"),
      etag: '"html"',
      contentType: "text/html",
    });
    const r = await update(db);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /debian\/json: is HTML/);
    assert.deepEqual(await ids(db, "Debian:12", "openssl"), ["CVE-2024-0001"]);
  });

  it("imports from a URL (db import) and remembers the URL as the source", async () => {
    serveDefaults();
    const db = freshDb();
    let r = await runCli([
      "db",
      "import",
      "--db",
      db,
      `${base}/alpine/v3.18/main.json`,
      `${base}/osv/npm/all.zip`,
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(await ids(db, "Alpine:v3.18", "openssl"), ["CVE-2023-5678"]);
    assert.equal((await ids(db, "npm", "mixpkg")).length, 3);
    r = await runCli(["db", "status", "--db", db, "-f", "json"]);
    const alpine = JSON.parse(r.stdout).sources.find(
      (s: { id: string }) => s.id === "alpine-secdb:v3.18/main",
    );
    assert.equal(alpine.url, `${base}/alpine/v3.18/main.json`);
    r = await runCli(["db", "import", "--db", db, `${base}/missing.json`]);
    assert.equal(r.code, 3);
    assert.match(r.stderr, /missing\.json: HTTP 404/);
  });

  it("gives a reader during the update the old data or the new, never a mix", async () => {
    serveDefaults();
    const db = freshDb();
    files.set("/osv/npm/all.zip", { body: npmZip("old", 300), etag: '"big-v1"' });
    assert.equal((await update(db)).code, 0);
    files.set("/osv/npm/all.zip", { body: npmZip("new", 300, 30000), etag: '"big-v2"' });
    const reader = await openVulnStore(db);
    const seen = new Map<string, number>();
    const child = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        join(repoRoot, "src/cli/main.ts"),
        "db",
        "update",
        "--db",
        db,
        "--mirror",
        base,
        "--source",
        "osv:npm",
        "-q",
      ],
      { cwd: repoRoot, stdio: "ignore" },
    );
    let done = false;
    const exited = new Promise<number | null>((r) =>
      child.on("close", (code) => {
        done = true;
        r(code);
      }),
    );
    while (!done) {
      const got = (await reader.lookup("npm", ["mixpkg"])).get("mixpkg") ?? [];
      const kinds = new Set(got.map((g) => g.record.id.split("-")[1]));
      const key = `${[...kinds].join("+")}:${got.length}`;
      seen.set(key, (seen.get(key) ?? 0) + 1);
      await new Promise((r) => setTimeout(r, 2));
    }
    assert.equal(await exited, 0);
    const after = (await reader.lookup("npm", ["mixpkg"])).get("mixpkg") ?? [];
    await reader.close();
    assert.equal(after.length, 300);
    assert.ok(after.every((r) => r.record.id.startsWith("GHSA-new-")));
    for (const key of seen.keys()) assert.ok(key === "old:300" || key === "new:300", `a reader saw ${key}`);
    assert.ok((seen.get("old:300") ?? 0) > 0, "the reader ran while the update was in progress");
  });
});
