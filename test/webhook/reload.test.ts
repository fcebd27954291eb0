/**
 * Hot reload of the policy file: a broken file keeps the last good policy (and the log says
 * why), a good one takes effect; a broken policy at start refuses to start.
 */
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { PolicyError } from "../../src/policy/load.js";
import { admissionReview, responseOf, send, startTestWebhook } from "./client.js";

const policy = (latestMode: string) => `apiVersion: portcullis.dev/v1alpha1
kind: ImagePolicy
spec:
  rules:
    forbidLatest: { mode: ${latestMode} }
`;
const pod = {
  apiVersion: "v1",
  kind: "Pod",
  metadata: { name: "p", namespace: "apps" },
  spec: { containers: [{ name: "app", image: "nginx:latest" }] },
};

async function until(cond: () => Promise<boolean>, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.fail("condition not met in time");
}

describe("webhook policy reload", () => {
  test("broken file on reload keeps the last good policy; a fixed file takes effect", async () => {
    const dir = mkdtempSync(join(tmpdir(), "portcullis-reload-"));
    const file = join(dir, "policy.yaml");
    writeFileSync(file, policy("enforce"));
    const { server, logs } = await startTestWebhook({ policyFile: file, watchIntervalMs: 100 });
    try {
      assert.equal(responseOf(await send(server, "/validate", admissionReview(pod))).allowed, false);
      writeFileSync(file, `${policy("enforce")}    bogusRule: {}\n  nope: [\n`);
      await until(async () =>
        logs.lines.some((l) => l.msg === "policy reload failed; keeping the last good policy"),
      );
      const failed = logs.lines.find((l) => l.msg === "policy reload failed; keeping the last good policy");
      assert.match(JSON.stringify(failed?.problems), /policy\.yaml:\d+:\d+: YAML syntax/);
      // Still the old policy.
      assert.equal(responseOf(await send(server, "/validate", admissionReview(pod))).allowed, false);
      assert.equal((await send(server, "/readyz", undefined, "GET")).status, 200);
      // Schema-invalid (valid YAML): also refused.
      writeFileSync(file, policy("sometimes"));
      assert.equal(server.reloadPolicy(), false);
      assert.equal(responseOf(await send(server, "/validate", admissionReview(pod))).allowed, false);
      writeFileSync(file, `${policy("warn")}# fixed\n`);
      await until(async () => responseOf(await send(server, "/validate", admissionReview(pod))).allowed);
      const resp = responseOf(await send(server, "/validate", admissionReview(pod)));
      assert.match(resp.warnings?.[0] ?? "", /^\[image-tag-latest\]/);
      const m = (await send(server, "/metrics", undefined, "GET")).text;
      assert.match(m, /portcullis_webhook_reloads_total\{what="policy",result="error"\} [2-9]/);
      assert.match(m, /portcullis_webhook_reloads_total\{what="policy",result="ok"\} [1-9]/);
    } finally {
      await server.close();
    }
  });

  test("a broken policy at start refuses to start, naming line and column", async () => {
    const dir = mkdtempSync(join(tmpdir(), "portcullis-reload-"));
    const file = join(dir, "policy.yaml");
    writeFileSync(file, policy("sometimes"));
    await assert.rejects(
      startTestWebhook({ policyFile: file }),
      (err: unknown) =>
        err instanceof PolicyError &&
        /policy\.yaml:5:27: spec\.rules\.forbidLatest\.mode: expected one of/.test(err.message),
    );
  });

  test("graceful shutdown: readiness goes away, in-flight requests finish", async () => {
    const dir = mkdtempSync(join(tmpdir(), "portcullis-reload-"));
    const file = join(dir, "policy.yaml");
    writeFileSync(file, policy("enforce"));
    const { server } = await startTestWebhook({ policyFile: file });
    const inflight = Array.from({ length: 20 }, () => send(server, "/validate", admissionReview(pod)));
    await new Promise((r) => setImmediate(r));
    const closing = server.close();
    const results = await Promise.allSettled(inflight);
    await closing;
    for (const r of results) if (r.status === "fulfilled") assert.equal(r.value.status, 200);
    await assert.rejects(send(server, "/healthz", undefined, "GET"));
  });
});
