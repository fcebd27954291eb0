/**
 * The audit library: tag drift through an inspector whose tag resolver is a table, objects with
 * missing fields, the imageID and --since parsers (the results store: test/monitor/result-store.test.ts).
 */
import assert from "node:assert/strict";
import { after, before, describe, test } from "node:test";
import { runAudit } from "../../src/audit/run.js";
import { parseImageId } from "../../src/audit/running-images.js";
import { parseSince } from "../../src/audit/since.js";
import { KubeClient } from "../../src/cluster/client.js";
import { connect } from "../../src/cluster/connection.js";
import { ImageInspector } from "../../src/policy/inspector.js";
import { parsePolicy } from "../../src/policy/load.js";
import { type KubeApiServer, startKubeApiServer } from "../support/kube-api-server.js";
import { digestOf, docsCluster, TEST_POLICY } from "./cluster-fixture.js";

const policy = parsePolicy(TEST_POLICY, "policy.yaml");

describe("audit library", () => {
  let api: KubeApiServer;
  let client: KubeClient;
  before(async () => {
    api = await startKubeApiServer({
      objects: [
        ...docsCluster(),
        // Missing fields: a pod with no status (not scheduled yet) and a container with no image.
        {
          apiVersion: "v1",
          kind: "Pod",
          metadata: { name: "pending", namespace: "shop" },
          spec: { containers: [{ name: "x", image: "nginx:1.27.3" }, { name: "y" }] },
        },
        { apiVersion: "v1", kind: "Pod", metadata: { name: "bare", namespace: "shop" } },
      ],
    });
    client = new KubeClient(await connect({ kubeconfig: api.kubeconfigFile }));
  });
  after(async () => {
    client.close();
    await api.close();
  });

  test("tag drift: a pod running a digest its tag no longer names is reported once per workload and tag, each tag resolved once", async () => {
    const resolved: string[] = [];
    const moved = new Set(["nginx:1.14.2", "busybox:1.28"]);
    const inspector = new ImageInspector({
      resolveDigest: async (ref) => {
        const text = ref.familiar();
        resolved.push(text);
        // The fixture's digests are of the image text as written in the pod spec.
        const written = text === "alpine:3.20" ? "docker.io/library/alpine:3.20" : text;
        return moved.has(text) ? digestOf(`${text}-rebuilt`) : digestOf(written);
      },
    });
    const r = await runAudit({ client, scope: { namespaces: ["shop", "batch-jobs"] }, policy, inspector });
    assert.deepEqual(resolved.sort(), [...new Set(resolved)].sort(), "each tag resolved once");
    assert.deepEqual(
      r.report.findings
        .filter((f) => f.rule === "image-tag-drift")
        .map((f) => `${f.object?.kind} ${f.object?.namespace}/${f.object?.name} ${f.container}`),
      ["CronJob batch-jobs/hello hello", "Deployment shop/nginx-deployment nginx", "Pod shop/debug shell"],
    );
    const nginx = r.images.find((i) => i.digest === digestOf("nginx:1.14.2"));
    assert.deepEqual(nginx?.drift, [{ image: "nginx:1.14.2", current: digestOf("nginx:1.14.2-rebuilt") }]);
    assert.deepEqual(r.lookupFailures, []);
  });

  test("objects with missing fields are audited without failing: a pod with no status is listed as not started", async () => {
    const r = await runAudit({ client, scope: { namespaces: ["shop"] }, policy });
    const pending = r.images.find((i) => i.specImages.includes("nginx:1.27.3"));
    assert.deepEqual(pending && { digest: pending.digest, scan: pending.scan }, {
      digest: undefined,
      scan: { state: "not-scanned", reason: "no container of it has started" },
    });
    assert.ok(r.workloads.some((w) => w.kind === "Pod" && w.name === "bare"));
  });

  const imageIds: [string, ReturnType<typeof parseImageId>][] = [
    [
      `docker.io/library/nginx@${digestOf("a")}`,
      { repository: "docker.io/library/nginx", digest: digestOf("a") },
    ],
    [`docker-pullable://nginx@${digestOf("a")}`, { repository: "nginx", digest: digestOf("a") }],
    [digestOf("config"), {}],
    ["", {}],
  ];
  for (const [id, want] of imageIds) {
    test(`imageID ${JSON.stringify(id.slice(0, 40))} gives ${JSON.stringify(want).slice(0, 60)}`, () => {
      assert.deepEqual(parseImageId(id), want);
    });
  }

  const now = new Date("2026-12-04T06:00:00Z");
  const sinces: [string, string | undefined][] = [
    ["24h", "2026-12-03T06:00:00.000Z"],
    ["7d", "2026-11-27T06:00:00.000Z"],
    ["90m", "2026-12-04T04:30:00.000Z"],
    ["2026-12-01", "2026-12-01T00:00:00.000Z"],
    ["2026-12-01T08:00:00Z", "2026-12-01T08:00:00.000Z"],
    ["yesterday", undefined],
    ["12", undefined],
  ];
  for (const [text, want] of sinces) {
    test(`--since ${text} is ${want ?? "rejected"}`, () => {
      assert.equal(parseSince(text, now)?.toISOString(), want);
    });
  }
});
