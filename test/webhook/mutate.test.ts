/**
 * /mutate against the real local registry (test/support/registry-env.ts): tags pinned to the
 * digests the registry serves, imagePullPolicy set; and the documented fallback when the
 * registry is unreachable or too slow: admitted unpinned, with a warning (mutation fails open,
 * validation decides). Skips when the registry environment is absent.
 */
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer, type Server, type Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { WebhookServer } from "../../src/webhook/server.js";
import { registryEnv, SKIP_NO_REGISTRY_ENV } from "../support/registry-env.js";
import { admissionReview, decodePatch, responseOf, send, startTestWebhook } from "./client.js";

const skip = registryEnv ? false : SKIP_NO_REGISTRY_ENV;

function imageDigest(ref: string): string {
  const images = (registryEnv?.json.imagesOnPlain ?? []) as { ref: string; digest: string }[];
  const hit = images.find((i) => i.ref === ref);
  assert.ok(hit, `env.json lists ${ref}`);
  return hit.digest;
}

describe("webhook /mutate with the local registry", { skip }, () => {
  let server: WebhookServer;
  let blackhole: Server;
  const sockets: Socket[] = [];
  let blackholePort = 0;
  const dir = mkdtempSync(join(tmpdir(), "portcullis-mutate-"));
  const policyFile = join(dir, "policy.yaml");

  before(async () => {
    // A registry that accepts connections and never answers: the per-request deadline must win.
    blackhole = createServer((s) => sockets.push(s));
    await new Promise<void>((r) => blackhole.listen(0, "127.0.0.1", r));
    blackholePort = (blackhole.address() as { port: number }).port;
    writeFileSync(
      policyFile,
      `apiVersion: portcullis.dev/v1alpha1
kind: ImagePolicy
spec:
  rules:
    requireDigest: { mode: enforce }
  mutation:
    pinDigests: true
    imagePullPolicy: IfNotPresent
  exemptions:
    namespaces: [kube-system]
`,
    );
    ({ server } = await startTestWebhook({
      policyFile,
      deadlineMs: 1500,
      inspector: { failureTtlMs: 60_000 },
    }));
  });
  after(async () => {
    await server?.close();
    for (const s of sockets) s.destroy();
    await new Promise((r) => blackhole?.close(r));
  });

  const reg = registryEnv?.plain ?? "";

  test("Deployment: tags pinned to the registry's digests, imagePullPolicy added or replaced", async () => {
    const obj = {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "web", namespace: "apps" },
      spec: {
        template: {
          spec: {
            initContainers: [{ name: "init", image: `${reg}/portcullis/alpine:3.18` }],
            containers: [
              { name: "app", image: `${reg}/portcullis/app:1.0`, imagePullPolicy: "Always" },
              {
                name: "pinned",
                image: `${reg}/portcullis/alpine:3.18@${imageDigest(`${reg}/portcullis/alpine:3.18`)}`,
                imagePullPolicy: "IfNotPresent",
              },
            ],
          },
        },
      },
    };
    const resp = responseOf(await send(server, "/mutate", admissionReview(obj)));
    assert.equal(resp.allowed, true);
    assert.equal(resp.patchType, "JSONPatch");
    const ops = decodePatch(resp);
    const appDigest = (await server.inspector.resolveDigest(
      (await import("../../src/reference/index.js")).parseReference(`${reg}/portcullis/app:1.0`),
    )) as string;
    assert.match(appDigest, /^sha256:[0-9a-f]{64}$/);
    assert.deepEqual(ops, [
      {
        op: "replace",
        path: "/spec/template/spec/containers/0/image",
        value: `${reg}/portcullis/app:1.0@${appDigest}`,
      },
      { op: "replace", path: "/spec/template/spec/containers/0/imagePullPolicy", value: "IfNotPresent" },
      {
        op: "replace",
        path: "/spec/template/spec/initContainers/0/image",
        value: `${reg}/portcullis/alpine:3.18@${imageDigest(`${reg}/portcullis/alpine:3.18`)}`,
      },
      { op: "add", path: "/spec/template/spec/initContainers/0/imagePullPolicy", value: "IfNotPresent" },
    ]);
    // The pinned object now passes validation's requireDigest (enforce).
    const patched = structuredClone(obj);
    patched.spec.template.spec.containers[0].image = ops[0].value as string;
    patched.spec.template.spec.initContainers[0].image = ops[2].value as string;
    assert.equal(responseOf(await send(server, "/validate", admissionReview(patched))).allowed, true);
    assert.equal(responseOf(await send(server, "/validate", admissionReview(obj))).allowed, false);
  });

  test("CronJob and Pod are pinned too; the second look-up is a cache hit", async () => {
    const cron = {
      apiVersion: "batch/v1",
      kind: "CronJob",
      metadata: { name: "job", namespace: "apps" },
      spec: {
        jobTemplate: {
          spec: {
            template: { spec: { containers: [{ name: "j", image: `${reg}/portcullis/alpine:3.18` }] } },
          },
        },
      },
    };
    const ops = decodePatch(responseOf(await send(server, "/mutate", admissionReview(cron))));
    assert.equal(ops[0].path, "/spec/jobTemplate/spec/template/spec/containers/0/image");
    assert.equal(
      ops[0].value,
      `${reg}/portcullis/alpine:3.18@${imageDigest(`${reg}/portcullis/alpine:3.18`)}`,
    );
    const metrics = (await send(server, "/metrics", undefined, "GET")).text;
    assert.match(metrics, /portcullis_webhook_cache_events_total\{cache="digest",event="hit"\} [1-9]/);
  });

  test("registry unreachable: admitted unpinned with a warning, no pull policy set; the failure is cached", async () => {
    const pod = {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "p", namespace: "apps" },
      spec: { containers: [{ name: "app", image: "127.0.0.1:1/portcullis/app:1.0" }] },
    };
    const resp = responseOf(await send(server, "/mutate", admissionReview(pod)));
    assert.equal(resp.allowed, true);
    const ops = decodePatch(resp);
    assert.ok(!ops.some((o) => o.path.endsWith("/image")), "no image patch");
    // IfNotPresent on an unpinned tag is the finding lint reports (image-pull-policy-mutable-tag).
    assert.ok(!ops.some((o) => o.path.endsWith("/imagePullPolicy")), "no pull policy on an unpinned image");
    assert.match(
      resp.warnings?.[0] ?? "",
      /could not pin 127\.0\.0\.1:1\/portcullis\/app:1\.0 .*admitted unpinned/,
    );
    // Validation then denies it (requireDigest enforce): the fallback does not let it through unpinned.
    assert.equal(responseOf(await send(server, "/validate", admissionReview(pod))).allowed, false);
    const before = server.inspector.digests.stats.hits;
    await send(server, "/mutate", admissionReview(pod));
    assert.equal(server.inspector.digests.stats.hits, before + 1, "the failure was served from the cache");
  });

  test("registry too slow: the per-request deadline answers in time, unpinned with a warning", async () => {
    const pod = {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "slow", namespace: "apps" },
      spec: { containers: [{ name: "app", image: `127.0.0.1:${blackholePort}/portcullis/app:1.0` }] },
    };
    const resp = responseOf(await send(server, "/mutate", admissionReview(pod)));
    assert.equal(resp.allowed, true);
    assert.match(resp.warnings?.[0] ?? "", /deadline exceeded/);
  });

  test("concurrent look-ups of one image are merged", async () => {
    const image = `${reg}/portcullis/app:1.0`;
    const { parseReference } = await import("../../src/reference/index.js");
    server.inspector.digests.clear();
    const before = { ...server.inspector.digests.stats };
    const digests = await Promise.all(
      Array.from({ length: 10 }, () => server.inspector.resolveDigest(parseReference(image))),
    );
    assert.equal(new Set(digests).size, 1);
    assert.equal(server.inspector.digests.stats.misses - before.misses, 1);
    assert.equal(server.inspector.digests.stats.merged - before.merged, 9);
  });
});
