/**
 * RegistryClient against real docker-registry servers started by the test: anonymous plain
 * http, htpasswd Basic auth over TLS with a CA made in the test, and token auth with a token
 * server of our own. Images are pushed with the client itself (monolithic and chunked).
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { after, before, describe, it } from "node:test";
import { RegistryClient } from "../../src/registry/client.js";
import { StaticCredentials } from "../../src/registry/credentials.js";
import { RegistryError } from "../../src/registry/errors.js";
import { OCI_INDEX, OCI_MANIFEST } from "../../src/registry/media-types.js";
import { type RegistryServer, SKIP_NO_DOCKER_REGISTRY, startRegistry } from "../support/registry-server.js";
import { pushImage, pushIndex } from "./test-images.js";

const skip = SKIP_NO_DOCKER_REGISTRY;
const noCreds = { lookup: async () => undefined };

async function rejectsWith(p: Promise<unknown>, code: string, registry: string): Promise<RegistryError> {
  try {
    await p;
  } catch (err) {
    assert.ok(err instanceof RegistryError, `expected RegistryError, got ${String(err)}`);
    assert.equal(err.code, code, err.message);
    assert.equal(err.registry, registry);
    assert.ok(err.message.includes(registry), err.message);
    return err;
  }
  assert.fail(`expected ${code}`);
}

describe("anonymous registry (plain http on loopback)", { skip }, () => {
  let reg: RegistryServer;
  let client: RegistryClient;
  before(async () => {
    reg = await startRegistry();
    client = new RegistryClient({ credentials: noCreds });
  });
  after(async () => {
    await client?.close();
    await reg?.stop();
  });

  it("pushes an image (monolithic) and reads it back, digests verified", async () => {
    const img = await pushImage(client, `${reg.address}/test/app`, "1.0");
    const m = await client.getManifest(`${reg.address}/test/app:1.0`);
    assert.equal(m.digest, img.digest);
    assert.equal(m.mediaType, OCI_MANIFEST);
    assert.deepEqual(m.bytes, img.manifest);
    const head = await client.headManifest(`${reg.address}/test/app:1.0`);
    assert.equal(head?.digest, img.digest);
    assert.equal(head?.size, img.manifest.length);
    const layer = await client.getBlobBytes(`${reg.address}/test/app`, m.json.layers[0].digest);
    assert.deepEqual(layer, img.layer);
    assert.equal(await client.blobExists(`${reg.address}/test/app`, m.json.config.digest), true);
    assert.equal(await client.blobExists(`${reg.address}/test/app`, `sha256:${"0".repeat(64)}`), false);
  });

  it("pushes a blob in chunks", async () => {
    const data = Buffer.alloc(70_000, 7);
    data.write("chunked upload test", 0);
    const digest = await client.pushBlob(`${reg.address}/test/chunks`, data, { chunkSize: 16_384 });
    assert.equal(digest, `sha256:${createHash("sha256").update(data).digest("hex")}`);
    const back = await client.getBlobBytes(`${reg.address}/test/chunks`, digest);
    assert.deepEqual(back, data);
  });

  it("uses Content-Type when the manifest has no mediaType field", async () => {
    const img = await pushImage(client, `${reg.address}/test/nomt`, "1", { omitMediaType: true });
    const m = await client.getManifest(`${reg.address}/test/nomt:1`);
    assert.equal(m.json.mediaType, undefined);
    assert.equal(m.mediaType, OCI_MANIFEST);
    assert.equal(m.digest, img.digest);
  });

  it("resolves an index and selects platforms", async () => {
    const idx = await pushIndex(client, `${reg.address}/test/multi`, "2.0");
    const r = await client.resolve(`${reg.address}/test/multi:2.0`);
    assert.equal(r.digest, idx.digest);
    assert.equal(r.mediaType, OCI_INDEX);
    const arm = await client.resolve(`${reg.address}/test/multi:2.0`, { platform: "linux/arm64" });
    assert.equal(arm.platformDigest, idx.arm64.digest);
    const arm8 = await client.resolve(`${reg.address}/test/multi:2.0`, { platform: "linux/aarch64/v8" });
    assert.equal(arm8.platformDigest, idx.arm64.digest);
    const amd = await client.resolve(`${reg.address}/test/multi:2.0`, { platform: "linux/amd64" });
    assert.equal(amd.platformDigest, idx.amd64.digest);
    const err = await rejectsWith(
      client.resolve(`${reg.address}/test/multi:2.0`, { platform: "linux/s390x" }),
      "PLATFORM_NOT_FOUND",
      reg.address,
    );
    assert.match(err.message, /linux\/amd64, linux\/arm64\/v8/);
    // a single-platform image: the platform digest is the image's own
    const single = await client.resolve(`${reg.address}/test/multi:2.0-amd64`, { platform: "linux/amd64" });
    assert.equal(single.platformDigest, idx.amd64.digest);
    // by digest
    const byDigest = await client.getManifest(`${reg.address}/test/multi@${idx.arm64.digest}`);
    assert.equal(byDigest.digest, idx.arm64.digest);
  });

  it("lists tags, reports a missing referrers API and a missing manifest", async () => {
    await pushImage(client, `${reg.address}/test/tags`, "a");
    await pushImage(client, `${reg.address}/test/tags`, "b");
    assert.deepEqual((await client.listTags(`${reg.address}/test/tags`)).sort(), ["a", "b"]);
    const m = await client.headManifest(`${reg.address}/test/tags:a`);
    assert.ok(m);
    assert.equal(await client.referrers(`${reg.address}/test/tags`, m.digest), undefined);
    assert.equal(await client.headManifest(`${reg.address}/test/tags:nope`), undefined);
    await rejectsWith(client.getManifest(`${reg.address}/test/tags:nope`), "NOT_FOUND", reg.address);
  });

  it("streams a blob and verifies it", async () => {
    const img = await pushImage(client, `${reg.address}/test/stream`, "1", { content: "x".repeat(100_000) });
    const stream = await client.getBlob(`${reg.address}/test/stream`, createDigest(img.layer));
    const chunks: Buffer[] = [];
    for await (const c of stream) chunks.push(c as Buffer);
    assert.deepEqual(Buffer.concat(chunks), img.layer);
  });
});

function createDigest(b: Buffer): string {
  return `sha256:${createHash("sha256").update(b).digest("hex")}`;
}

describe("htpasswd Basic auth over TLS with a test CA", { skip }, () => {
  let reg: RegistryServer;
  before(async () => {
    reg = await startRegistry({ auth: "htpasswd", tls: true });
  });
  after(async () => reg?.stop());

  it("pushes and pulls with the right password and the CA", async () => {
    const client = new RegistryClient({
      caFile: reg.caFile,
      credentials: new StaticCredentials({ [reg.address]: { username: reg.user, password: reg.password } }),
    });
    try {
      const img = await pushImage(client, `${reg.address}/secure/app`, "1.0");
      assert.equal((await client.resolve(`${reg.address}/secure/app:1.0`)).digest, img.digest);
    } finally {
      await client.close();
    }
  });

  it("wrong password: UNAUTHORIZED naming the registry, without the password", async () => {
    const client = new RegistryClient({
      caFile: reg.caFile,
      credentials: new StaticCredentials({
        [reg.address]: { username: reg.user, password: "wrong-pass-123" },
      }),
    });
    try {
      const err = await rejectsWith(
        client.resolve(`${reg.address}/secure/app:1.0`),
        "UNAUTHORIZED",
        reg.address,
      );
      assert.equal(err.status, 401);
      assert.doesNotMatch(err.message, /wrong-pass-123/);
    } finally {
      await client.close();
    }
  });

  it("no credentials: UNAUTHORIZED saying none were found", async () => {
    const client = new RegistryClient({ caFile: reg.caFile, credentials: noCreds });
    try {
      const err = await rejectsWith(
        client.resolve(`${reg.address}/secure/app:1.0`),
        "UNAUTHORIZED",
        reg.address,
      );
      assert.match(err.message, /no credentials found/);
    } finally {
      await client.close();
    }
  });

  it("without the CA: a TLS error (never a silent downgrade to http)", async () => {
    const client = new RegistryClient({ credentials: noCreds });
    try {
      const err = await rejectsWith(client.resolve(`${reg.address}/secure/app:1.0`), "TLS", reg.address);
      assert.match(err.message, /--ca-file/);
    } finally {
      await client.close();
    }
  });
});

describe("token auth with our own token server", { skip }, () => {
  let reg: RegistryServer;
  before(async () => {
    reg = await startRegistry({ auth: "token" });
  });
  after(async () => reg?.stop());

  it("pushes with credentials, pulls anonymously, caches tokens per scope", async () => {
    const pusher = new RegistryClient({
      credentials: new StaticCredentials({ [reg.address]: { username: reg.user, password: reg.password } }),
    });
    const anon = new RegistryClient({ credentials: noCreds });
    try {
      const img = await pushImage(pusher, `${reg.address}/tok/app`, "1.0");
      const before = reg.tokenRequests();
      const r1 = await anon.resolve(`${reg.address}/tok/app:1.0`);
      assert.equal(r1.digest, img.digest);
      const afterFirst = reg.tokenRequests();
      assert.equal(afterFirst - before, 1, "one token for the pull scope");
      for (let i = 0; i < 5; i++) await anon.resolve(`${reg.address}/tok/app:1.0`);
      await anon.getManifest(`${reg.address}/tok/app:1.0`);
      assert.equal(reg.tokenRequests(), afterFirst, "the cached token is reused");
      // anonymous push: the token server grants pull only, the registry refuses
      await rejectsWith(
        anon.pushBlob(`${reg.address}/tok/app`, Buffer.from("anon push")),
        "UNAUTHORIZED",
        reg.address,
      );
    } finally {
      await pusher.close();
      await anon.close();
    }
  });

  it("wrong password: the token server refuses, error names the registry", async () => {
    const client = new RegistryClient({
      credentials: new StaticCredentials({
        [reg.address]: { username: reg.user, password: "not-the-password" },
      }),
    });
    try {
      const err = await rejectsWith(
        client.resolve(`${reg.address}/tok/app:1.0`),
        "UNAUTHORIZED",
        reg.address,
      );
      assert.match(err.message, /token server refused/);
      assert.doesNotMatch(err.message, /not-the-password/);
    } finally {
      await client.close();
    }
  });
});
