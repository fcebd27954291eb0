/**
 * Fault tests: a local server that misbehaves (429 then 200, truncated blob, lying digest
 * header, slower than the timeout, 5xx forever, cross-origin redirect) and wrong passwords on
 * a real docker-registry. Each gives the documented behaviour; through the CLI, exit 3 and a
 * message naming the registry and what failed.
 */

import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { RegistryClient } from "../../src/registry/client.js";
import { StaticCredentials } from "../../src/registry/credentials.js";
import { RegistryError } from "../../src/registry/errors.js";
import { type RegistryServer, SKIP_NO_DOCKER_REGISTRY, startRegistry } from "../support/registry-server.js";
import { repoRoot } from "../support/shared.js";
import {
  BLOB,
  BLOB_DIGEST,
  type FaultServer,
  MANIFEST,
  MANIFEST_DIGEST,
  serveManifest,
  startFaultServer,
} from "./fault-server.js";
import { tempDir } from "./temp-dir.js";

const noCreds = { lookup: async () => undefined };

/** Run the CLI without blocking this process (the fault and token servers live in it). */
function cli(
  args: string[],
  input?: string,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", join(repoRoot, "src/cli/main.ts"), ...args], {
    cwd: repoRoot,
    env: {
      ...process.env,
      NO_COLOR: "1",
      HOME: tempDir("pc-home-"),
      DOCKER_CONFIG: "",
      REGISTRY_AUTH_FILE: "",
      XDG_RUNTIME_DIR: "",
    },
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr.on("data", (d: Buffer) => {
    stderr += d.toString();
  });
  child.stdin.end(input ?? "");
  return new Promise((resolve) => child.on("close", (code) => resolve({ code, stdout, stderr })));
}

async function caught(p: Promise<unknown>): Promise<RegistryError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof RegistryError, String(err));
    return err;
  }
  assert.fail("expected a RegistryError");
}

describe("registry faults (local misbehaving server)", () => {
  let srv: FaultServer;
  let client: RegistryClient;
  before(async () => {
    srv = await startFaultServer();
    client = new RegistryClient({ credentials: noCreds, retryBaseMs: 20, timeoutMs: 2_000 });
  });
  after(async () => {
    await client?.close();
    await srv?.close();
  });

  it("429 then 200: retried after Retry-After, then succeeds", async () => {
    srv.setHandler((req, res, n) => {
      if (n === 1) {
        res.writeHead(429, { "retry-after": "1", "content-type": "application/json" });
        res.end('{"errors":[{"code":"TOOMANYREQUESTS","message":"slow down"}]}');
        return;
      }
      serveManifest(req, res);
    });
    const r = await client.resolve(`${srv.address}/fault/app:1`);
    assert.equal(r.digest, MANIFEST_DIGEST);
    const hits = srv.requests.filter((q) => q.url.includes("/manifests/"));
    assert.equal(hits.length, 2);
    assert.ok(hits[1].at - hits[0].at >= 950, `waited ${hits[1].at - hits[0].at} ms for Retry-After: 1`);
  });

  it("429 then 200 through the CLI: exit 0", async () => {
    srv.setHandler((req, res, n) => {
      if (n === 1) {
        res.writeHead(429, { "retry-after": "0" });
        res.end();
        return;
      }
      serveManifest(req, res);
    });
    const r = await cli(["resolve", "-f", "json", `${srv.address}/fault/app:1`]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).images[0].digest, MANIFEST_DIGEST);
  });

  it("429 forever: RATE_LIMITED after the retries, exit 3 naming the registry", async () => {
    srv.setHandler((_req, res) => {
      res.writeHead(429, { "retry-after": "0" });
      res.end();
    });
    const err = await caught(client.resolve(`${srv.address}/fault/app:1`));
    assert.equal(err.code, "RATE_LIMITED");
    assert.equal(srv.requests.filter((q) => q.url.includes("/manifests/")).length, 5, "1 try + 4 retries");
    const r = await cli(["resolve", `${srv.address}/fault/app:1`]);
    assert.equal(r.code, 3);
    assert.match(
      r.stderr,
      new RegExp(`registry ${srv.address}: HEAD manifest fault/app:1: rate limited \\(429\\)`),
    );
  });

  it("503 then connection reset then 200: retried", async () => {
    srv.setHandler((req, res, n) => {
      if (n === 1) {
        res.writeHead(503);
        res.end();
      } else if (n === 2) {
        req.socket.destroy();
      } else serveManifest(req, res);
    });
    const r = await client.resolve(`${srv.address}/fault/app:1`);
    assert.equal(r.digest, MANIFEST_DIGEST);
  });

  it("truncated blob: the stream fails with TRUNCATED; getBlobBytes retries and then fails", async () => {
    srv.setHandler((_req, res) => {
      res.writeHead(200, {
        "content-length": String(BLOB.length),
        "content-type": "application/octet-stream",
      });
      res.write(BLOB.subarray(0, 10_000));
      setTimeout(() => res.socket?.destroy(), 20);
    });
    const stream = await client.getBlob(`${srv.address}/fault/app`, BLOB_DIGEST);
    const err = await caught(
      (async () => {
        for await (const _ of stream) {
          // drain
        }
      })(),
    );
    assert.equal(err.code, "TRUNCATED");
    assert.equal(err.registry, srv.address);
    assert.match(err.message, /GET blob fault\/app@sha256:/);
    const err2 = await caught(client.getBlobBytes(`${srv.address}/fault/app`, BLOB_DIGEST));
    assert.equal(err2.code, "TRUNCATED");
    assert.equal(
      srv.requests.filter((q) => q.url.includes("/blobs/")).length,
      6,
      "1 stream + 1 try + 4 retries",
    );
  });

  it("truncated once, then whole: getBlobBytes recovers", async () => {
    srv.setHandler((_req, res, n) => {
      res.writeHead(200, { "content-length": String(BLOB.length) });
      if (n === 1) {
        res.write(BLOB.subarray(0, 1000));
        setTimeout(() => res.socket?.destroy(), 20);
      } else res.end(BLOB);
    });
    assert.deepEqual(await client.getBlobBytes(`${srv.address}/fault/app`, BLOB_DIGEST), BLOB);
  });

  it("blob with other content: DIGEST_MISMATCH", async () => {
    srv.setHandler((_req, res) => {
      const other = Buffer.from(BLOB);
      other[100] ^= 1;
      res.writeHead(200, { "content-length": String(other.length) });
      res.end(other);
    });
    const err = await caught(client.getBlobBytes(`${srv.address}/fault/app`, BLOB_DIGEST));
    assert.equal(err.code, "DIGEST_MISMATCH");
    assert.match(err.message, new RegExp(`expected ${BLOB_DIGEST}`));
  });

  it("wrong Docker-Content-Digest header: DIGEST_MISMATCH; CLI exit 3", async () => {
    const lie = `sha256:${"b".repeat(64)}`;
    srv.setHandler((req, res) => serveManifest(req, res, MANIFEST, lie));
    const err = await caught(client.getManifest(`${srv.address}/fault/app:1`));
    assert.equal(err.code, "DIGEST_MISMATCH");
    assert.match(err.message, /Docker-Content-Digest header says sha256:b+ but the body's digest is sha256:/);
    // resolve --platform has to fetch the manifest by the announced digest: the lie is caught
    const r = await cli(["resolve", "--platform", "linux/amd64", `${srv.address}/fault/app:1`]);
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, new RegExp(`registry ${srv.address}: GET manifest fault/app@${lie}: `));
  });

  it("a manifest asked for by digest must hash to it", async () => {
    const other = Buffer.from(`${MANIFEST.toString()} `);
    srv.setHandler((req, res) => serveManifest(req, res, other));
    const err = await caught(client.getManifest(`${srv.address}/fault/app@${MANIFEST_DIGEST}`));
    assert.equal(err.code, "DIGEST_MISMATCH");
  });

  it("slower than the timeout: TIMEOUT; CLI exit 3", async () => {
    srv.setHandler((req, res) => {
      setTimeout(() => {
        if (!res.destroyed) serveManifest(req, res);
      }, 1_500);
    });
    const quick = new RegistryClient({ credentials: noCreds, timeoutMs: 300 });
    try {
      const err = await caught(quick.resolve(`${srv.address}/fault/app:1`));
      assert.equal(err.code, "TIMEOUT");
      assert.match(err.message, /no answer within the timeout/);
    } finally {
      await quick.close();
    }
    const r = await cli(["resolve", "--timeout", "300ms", `${srv.address}/fault/app:1`]);
    assert.equal(r.code, 3);
    assert.match(
      r.stderr,
      new RegExp(`registry ${srv.address}: HEAD manifest fault/app:1: no answer within the timeout`),
    );
  });

  it("500 forever: SERVER_ERROR after the retries", async () => {
    srv.setHandler((_req, res) => {
      res.writeHead(500, { "content-type": "application/json" });
      res.end('{"errors":[{"code":"UNKNOWN","message":"disk on fire"}]}');
    });
    const err = await caught(client.getManifest(`${srv.address}/fault/app:1`));
    assert.equal(err.code, "SERVER_ERROR");
    assert.equal(err.status, 500);
    assert.match(err.message, /server error \(500\): UNKNOWN: disk on fire/);
  });

  it("a cross-origin redirect does not carry Authorization", async () => {
    const other = await startFaultServer();
    try {
      other.setHandler((_req, res) => {
        res.writeHead(200, { "content-length": String(BLOB.length) });
        res.end(BLOB);
      });
      srv.setHandler((req, res) => {
        if (req.headers.authorization !== "Basic dTpw") {
          res.writeHead(401, { "www-authenticate": 'Basic realm="x"' });
          res.end();
          return;
        }
        res.writeHead(307, { location: `http://${other.address}/storage/blob?sig=1` });
        res.end();
      });
      const authed = new RegistryClient({
        credentials: new StaticCredentials({ [srv.address]: { username: "u", password: "p" } }),
      });
      try {
        assert.deepEqual(await authed.getBlobBytes(`${srv.address}/fault/app`, BLOB_DIGEST), BLOB);
      } finally {
        await authed.close();
      }
      assert.equal(other.requests.length, 1);
      assert.equal(other.requests[0].headers.authorization, undefined);
      assert.ok(srv.requests.some((q) => q.headers.authorization === "Basic dTpw"));
    } finally {
      await other.close();
    }
  });
});

describe("wrong password on a real registry, through the CLI", { skip: SKIP_NO_DOCKER_REGISTRY }, () => {
  let basic: RegistryServer;
  let token: RegistryServer;
  before(async () => {
    [basic, token] = await Promise.all([
      startRegistry({ auth: "htpasswd" }),
      startRegistry({ auth: "token" }),
    ]);
  });
  after(async () => {
    await basic?.stop();
    await token?.stop();
  });

  for (const kind of ["htpasswd", "token"] as const) {
    it(`${kind}: exit 3, the registry and the refused credentials named, no password`, async () => {
      const reg = kind === "htpasswd" ? basic : token;
      const dir = tempDir("pc-secret-");
      const secret = await cli(
        [
          "secret",
          "docker-registry",
          "regcred",
          "--docker-server",
          reg.address,
          "--docker-username",
          reg.user,
          "--password-stdin",
        ],
        "Wr0ng-Secret-Pw\n",
      );
      assert.equal(secret.code, 0, secret.stderr);
      const file = join(dir, "regcred.yaml");
      writeFileSync(file, secret.stdout);
      const r = await cli(["resolve", "--pull-secret", file, `${reg.address}/some/app:1.0`]);
      assert.equal(r.code, 3);
      assert.match(r.stderr, new RegExp(`registry ${reg.address}: `));
      assert.match(
        r.stderr,
        kind === "token"
          ? /token server refused the credentials from/
          : /credentials from .* were refused \(401\)/,
      );
      assert.doesNotMatch(r.stderr + r.stdout, /Wr0ng-Secret-Pw/);
    });
  }
});
