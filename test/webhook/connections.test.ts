/**
 * Connection-cap lockout (issue 15, item 3): connections that never send a TLS hello are cut
 * off after the short handshake timeout; one source address cannot take every connection; the
 * reserved slots stay open for a source that has completed a handshake before (the API server).
 * Sources other than 127.0.0.1 are loopback aliases (127.0.0.2, …), bound with localAddress.
 */
import assert from "node:assert/strict";
import { type Socket, connect as tcpConnect } from "node:net";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import type { WebhookServer } from "../../src/webhook/server.js";
import { repoRoot } from "../support/shared.js";
import { send, startTestWebhook } from "./client.js";

const policyFile = join(repoRoot, "test/fixtures/policy/cases/policy.yaml");

/** A raw TCP connection that sends nothing (no TLS hello). */
function silent(server: WebhookServer, localAddress = "127.0.0.1"): Promise<Socket> {
  const url = new URL(server.url);
  return new Promise((resolve, reject) => {
    const s = tcpConnect({ host: url.hostname, port: Number(url.port), localAddress }, () => resolve(s));
    s.on("error", reject);
  });
}

function closedWithin(s: Socket, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    if (s.destroyed || s.readyState === "closed") return resolve(true);
    s.resume();
    const t = setTimeout(() => resolve(false), ms);
    s.once("close", () => {
      clearTimeout(t);
      resolve(true);
    });
    s.on("error", () => {});
  });
}

const settle = () => new Promise((r) => setTimeout(r, 100));

describe("webhook: connection limits", () => {
  let server: WebhookServer;
  before(async () => {
    ({ server } = await startTestWebhook({
      policyFile,
      handshakeTimeoutMs: 300,
      maxConnections: 8,
      maxConnectionsPerSource: 3,
      reservedConnections: 2,
    }));
  });
  after(async () => server.close());

  it("closes a connection that never sends a TLS hello after the handshake timeout (was: 120 s)", async () => {
    const s = await silent(server);
    // Far under Node's default 120 s; a few times the configured 300 ms.
    assert.equal(await closedWithin(s, 3_000), true, "the silent connection should be dropped");
  });

  it("refuses a source address its connections beyond the per-source limit, and still serves others", async () => {
    const held = await Promise.all([1, 2, 3].map(() => silent(server, "127.0.0.2")));
    const extra = await silent(server, "127.0.0.2").catch(() => undefined);
    try {
      assert.equal(
        extra === undefined || (await closedWithin(extra, 200)),
        true,
        "4th from 127.0.0.2 refused",
      );
      assert.equal(server.connections.refused.perSource >= 1, true);
      const r = await send(server, "/healthz", undefined, "GET");
      assert.equal(r.status, 200, "another source is still served");
    } finally {
      for (const s of [...held, extra]) s?.destroy();
    }
    await settle();
  });

  it("keeps the reserved connections for a source that completed a handshake before", async () => {
    assert.equal((await send(server, "/healthz", undefined, "GET")).status, 200); // 127.0.0.1 is known
    await settle();
    // 6 of 8 slots (8 - 2 reserved) from three unknown sources, 2 each.
    const held: Socket[] = [];
    try {
      for (const a of ["127.0.0.3", "127.0.0.4", "127.0.0.5"])
        for (let i = 0; i < 2; i++) held.push(await silent(server, a));
      await settle();
      const unknown = await silent(server, "127.0.0.6").catch(() => undefined);
      if (unknown) held.push(unknown);
      assert.equal(
        unknown === undefined || (await closedWithin(unknown, 200)),
        true,
        "unknown source refused",
      );
      assert.equal(server.connections.refused.reserved >= 1, true);
      const r = await send(server, "/healthz", undefined, "GET");
      assert.equal(r.status, 200, "the known source gets a reserved slot");
    } finally {
      for (const s of held) s.destroy();
    }
  });
});
