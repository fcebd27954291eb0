/**
 * Slow and numerous clients cannot tie up the webhook: headers that never finish are cut off,
 * and connections beyond the cap are refused while served ones keep working.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { connect, type TLSSocket } from "node:tls";
import type { WebhookServer } from "../../src/webhook/server.js";
import { repoRoot } from "../support/shared.js";
import { send, startTestWebhook } from "./client.js";

const policyFile = join(repoRoot, "test/fixtures/policy/cases/policy.yaml");

function open(server: WebhookServer): Promise<TLSSocket> {
  const url = new URL(server.url);
  return new Promise((resolve, reject) => {
    const s = connect(
      { host: url.hostname, port: Number(url.port), ca: server.caCert, servername: "localhost" },
      () => resolve(s),
    );
    s.on("error", reject);
  });
}

function closed(s: TLSSocket, withinMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    if (s.destroyed) return resolve(true);
    s.resume(); // read (and drop) whatever the server answers, so 'close' can fire
    const t = setTimeout(() => resolve(false), withinMs);
    s.once("close", () => {
      clearTimeout(t);
      resolve(true);
    });
  });
}

describe("webhook: slow clients", () => {
  let server: WebhookServer;
  before(async () => {
    ({ server } = await startTestWebhook({ policyFile, headersTimeoutMs: 500, maxConnections: 3 }));
  });
  after(async () => server.close());

  it("closes a connection whose headers never finish (slowloris)", async () => {
    const s = await open(server);
    s.write("POST /validate HTTP/1.1\r\nHost: x\r\n");
    assert.equal(await closed(s, 5_000), true, "the server should drop a request stuck in its headers");
  });

  it("refuses connections beyond the cap and still serves", async () => {
    const held = await Promise.all([open(server), open(server), open(server)]);
    let extra: TLSSocket | undefined;
    try {
      extra = await open(server).catch(() => undefined);
      // well before the 500 ms headers timeout, which also closes idle connections
      const dropped = extra === undefined || (await closed(extra, 250));
      assert.equal(dropped, true, "a 4th connection should be refused with maxConnections 3");
    } finally {
      for (const s of [...held, extra]) s?.destroy();
    }
    await new Promise((r) => setTimeout(r, 100));
    const r = await send(server, "/healthz", undefined, "GET");
    assert.equal(r.status, 200);
  });
});
