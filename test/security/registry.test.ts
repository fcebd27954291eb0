/**
 * Adversarial tests of the registry client: a registry (or token server) run by an attacker.
 * The webhook contacts whatever registry a pod names, so the registry's answers are hostile
 * input: endless bodies, lying digests, redirects that try to carry credentials elsewhere.
 * The "registries" here are small node:http servers on loopback (plain http is allowed for
 * loopback only), each speaking just enough of the distribution API for the attack.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { after, describe, it } from "node:test";
import { RegistryClient } from "../../src/registry/client.js";
import { AuthsCredentials } from "../../src/registry/credentials.js";
import { isRegistryError } from "../../src/registry/errors.js";

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

const servers: Server[] = [];
async function serve(handler: Handler): Promise<{ host: string; port: number; seen: IncomingMessage[] }> {
  const seen: IncomingMessage[] = [];
  const server = createServer((req, res) => {
    seen.push(req);
    handler(req, res);
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const { port } = server.address() as AddressInfo;
  return { host: `127.0.0.1:${port}`, port, seen };
}

after(async () => {
  for (const s of servers) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

const MANIFEST_TYPE = "application/vnd.oci.image.manifest.v1+json";

function code(err: unknown): string | undefined {
  return isRegistryError(err) ? err.code : undefined;
}

describe("registry client against a hostile registry", () => {
  it("an endless manifest body is cut off (TOO_LARGE), not read into memory", async () => {
    let sent = 0;
    const r = await serve((req, res) => {
      if (req.url === "/v2/") return res.end("{}");
      res.writeHead(200, { "content-type": MANIFEST_TYPE });
      const chunk = Buffer.alloc(64 * 1024, 0x20);
      const pump = () => {
        // Bounded on the server side too, so a broken client cannot hang the test.
        while (sent < 256 * 1024 * 1024) {
          sent += chunk.length;
          if (!res.write(chunk)) return void res.once("drain", pump);
        }
        res.end();
      };
      res.on("close", () => {
        sent = Number.POSITIVE_INFINITY;
      });
      pump();
    });
    const client = new RegistryClient({ retries: 0 });
    try {
      await assert.rejects(client.getManifest(`${r.host}/x/y:1`), (err) => code(err) === "TOO_LARGE");
    } finally {
      await client.close();
    }
  });

  it("a manifest announced larger than the limit is refused before reading", async () => {
    const r = await serve((req, res) => {
      if (req.url === "/v2/") return res.end("{}");
      res.writeHead(200, { "content-type": MANIFEST_TYPE, "content-length": String(1024 * 1024 * 1024) });
      res.write("{");
    });
    const client = new RegistryClient({ retries: 0 });
    try {
      await assert.rejects(client.getManifest(`${r.host}/x/y:1`), (err) => code(err) === "TOO_LARGE");
    } finally {
      await client.close();
    }
  });

  it("a Docker-Content-Digest header that does not match the body is refused", async () => {
    const body = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: MANIFEST_TYPE, layers: [] }));
    const r = await serve((req, res) => {
      if (req.url === "/v2/") return res.end("{}");
      res.writeHead(200, {
        "content-type": MANIFEST_TYPE,
        "docker-content-digest": `sha256:${"0".repeat(64)}`,
      });
      res.end(body);
    });
    const client = new RegistryClient({ retries: 0 });
    try {
      await assert.rejects(client.getManifest(`${r.host}/x/y:1`), (err) => code(err) === "DIGEST_MISMATCH");
      // Asked by digest, a body with another digest is refused whatever the header says.
      const asked = `sha256:${createHash("sha256").update("other").digest("hex")}`;
      await assert.rejects(
        client.getManifest(`${r.host}/x/y@${asked}`),
        (err) => code(err) === "DIGEST_MISMATCH",
      );
    } finally {
      await client.close();
    }
  });

  it("an endless token-server answer is cut off", async () => {
    const token = await serve((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      let n = 0;
      const pump = () => {
        while (n < 64 * 1024 * 1024) {
          n += 65536;
          if (!res.write(Buffer.alloc(65536, 0x20))) return void res.once("drain", pump);
        }
        res.end();
      };
      res.on("close", () => {
        n = Number.POSITIVE_INFINITY;
      });
      pump();
    });
    const r = await serve((_req, res) => {
      res.writeHead(401, { "www-authenticate": `Bearer realm="http://${token.host}/token",service="x"` });
      res.end();
    });
    const client = new RegistryClient({ retries: 0 });
    try {
      await assert.rejects(client.getManifest(`${r.host}/x/y:1`), (err) => code(err) === "TOO_LARGE");
    } finally {
      await client.close();
    }
  });
});

describe("registry credentials never go to another origin", () => {
  const auth = (host: string) =>
    new AuthsCredentials({ [host]: { username: "alice", password: "s3cret" } }, "test auths");

  it("a redirect of a blob download to another origin carries no Authorization", async () => {
    const elsewhere = await serve((_req, res) => res.end("blob"));
    const r = await serve((req, res) => {
      if (!req.headers.authorization) {
        res.writeHead(401, { "www-authenticate": 'Basic realm="r"' });
        return res.end();
      }
      if (req.url === "/v2/") return res.end("{}");
      // localhost:<port> is another origin than 127.0.0.1:<port>.
      res.writeHead(307, { location: `http://localhost:${elsewhere.port}/blob` });
      res.end();
    });
    const client = new RegistryClient({ retries: 0, credentials: auth(r.host) });
    const digest = `sha256:${createHash("sha256").update("blob").digest("hex")}`;
    try {
      const bytes = await client.getBlobBytes(`${r.host}/x/y`, digest);
      assert.equal(bytes.toString(), "blob");
      assert.ok(
        r.seen.some((q) => q.headers.authorization?.startsWith("Basic ")),
        "the registry got them",
      );
      assert.equal(elsewhere.seen.length, 1);
      assert.equal(elsewhere.seen[0].headers.authorization, undefined);
    } finally {
      await client.close();
    }
  });

  it("a token server that redirects elsewhere does not pass the Basic credentials on", async () => {
    const elsewhere = await serve((_req, res) => {
      res.writeHead(200, { "content-type": "application/json" });
      res.end(JSON.stringify({ token: "t" }));
    });
    const token = await serve((_req, res) => {
      res.writeHead(307, { location: `http://localhost:${elsewhere.port}/token` });
      res.end();
    });
    const r = await serve((req, res) => {
      if (req.headers.authorization !== "Bearer t") {
        res.writeHead(401, { "www-authenticate": `Bearer realm="http://${token.host}/token",service="x"` });
        return res.end();
      }
      res.writeHead(404);
      res.end();
    });
    const client = new RegistryClient({ retries: 0, credentials: auth(r.host) });
    try {
      await client.getManifest(`${r.host}/x/y:1`).catch(() => undefined);
      assert.ok(
        token.seen.some((q) => q.headers.authorization?.startsWith("Basic ")),
        "the realm got them",
      );
      for (const q of elsewhere.seen) assert.equal(q.headers.authorization, undefined);
    } finally {
      await client.close();
    }
  });

  it("a token realm on plain http that is not loopback or an insecure registry is refused", async () => {
    const r = await serve((_req, res) => {
      res.writeHead(401, { "www-authenticate": 'Bearer realm="http://attacker.example/token",service="x"' });
      res.end();
    });
    const client = new RegistryClient({ retries: 0, credentials: auth(r.host) });
    try {
      await assert.rejects(client.getManifest(`${r.host}/x/y:1`), /plain http/);
    } finally {
      await client.close();
    }
  });
});
