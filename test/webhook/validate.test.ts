/**
 * /validate over real HTTPS with the shared table of cases: the webhook must give the verdict in
 * cases.json, with the same messages as `portcullis check` for the same object.
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { runCheck } from "../../src/check/run.js";
import { loadPolicyFile } from "../../src/policy/load.js";
import type { WebhookServer } from "../../src/webhook/server.js";
import {
  CASES_DIR,
  expectedVerdict,
  NAMESPACES_FILE,
  POLICY_FILE,
  readObjects,
  rulesOf,
  table,
  verdictFromFindings,
} from "../policy/cases.js";
import { admissionReview, type LogCapture, responseOf, send, startTestWebhook } from "./client.js";

describe("webhook /validate: shared policy cases", () => {
  let server: WebhookServer;
  let logs: LogCapture;
  before(async () => {
    ({ server, logs } = await startTestWebhook({ policyFile: POLICY_FILE }));
    // Namespaces reach the webhook as AdmissionReviews of Namespace objects: it keeps the labels
    // the API server has stored (an UPDATE's oldObject).
    for (const ns of readObjects(NAMESPACES_FILE)) {
      const r = await send(server, "/validate", admissionReview(ns, { namespace: "", operation: "UPDATE" }));
      assert.equal(r.status, 200);
      assert.equal(responseOf(r).allowed, true);
    }
  });
  after(async () => {
    await server.close();
  });

  const policy = loadPolicyFile(POLICY_FILE);
  for (const c of table.cases) {
    test(c.name, async () => {
      const file = join(CASES_DIR, c.file);
      const [obj] = readObjects(file);
      const r = await send(server, "/validate", admissionReview(obj));
      assert.equal(r.status, 200, r.text);
      const review = r.body as { apiVersion: string; kind: string };
      assert.equal(review.apiVersion, "admission.k8s.io/v1");
      assert.equal(review.kind, "AdmissionReview");
      const resp = responseOf(r);
      assert.match(resp.uid, /^test-/);
      const got = {
        allowed: resp.allowed,
        deny: resp.status
          ? rulesOf([resp.status.message.replace(/^portcullis denied [^:]+: \d+ violations?: /, "")])
          : [],
        warn: rulesOf((resp.warnings ?? []).filter((w) => w.startsWith("["))),
        audit: rulesOf(
          resp.auditAnnotations?.["portcullis.dev/audit"]
            ? [resp.auditAnnotations["portcullis.dev/audit"]]
            : [],
        ),
      };
      assert.deepEqual(got, expectedVerdict(c.expect));
      if (!resp.allowed) assert.equal(resp.status?.code, 403);

      // Same messages as check, word for word.
      const { report } = await runCheck({ policy, paths: [NAMESPACES_FILE, file] });
      const fromCheck = verdictFromFindings(report.findings.filter((f) => f.location?.file === file));
      for (const rule of fromCheck.deny) {
        for (const m of fromCheck.messages.get(rule) ?? [])
          assert.ok(resp.status?.message.includes(`[${rule}] ${m}`), `${rule}: ${m}`);
      }
      for (const rule of fromCheck.warn) {
        for (const m of fromCheck.messages.get(rule) ?? []) {
          const line = `[${rule}] ${m}`;
          assert.ok(
            resp.warnings?.some((w) => w === line || (line.length > 250 && w.startsWith(line.slice(0, 200)))),
            line,
          );
        }
      }
      if (c.expect.expiredNote) assert.ok(resp.warnings?.some((w) => /expired on 2020-01-01/.test(w)));
    });
  }

  test("dryRun is honoured: same verdict, logged as a dry run, counted apart", async () => {
    const [obj] = readObjects(join(CASES_DIR, "pod-latest.yaml"));
    const r = await send(server, "/validate", admissionReview(obj, { dryRun: true }));
    assert.equal(responseOf(r).allowed, false);
    const line = logs.lines.find((l) => l.msg === "denied" && l.dryRun === true);
    assert.ok(line, "the denial is logged with dryRun: true");
    const metrics = await send(server, "/metrics", undefined, "GET");
    assert.match(
      metrics.text,
      /portcullis_webhook_decisions_total\{endpoint="validate",decision="denied",dry_run="true"\} 1/,
    );
  });

  test("UPDATE is checked like CREATE; DELETE is allowed", async () => {
    const [obj] = readObjects(join(CASES_DIR, "deployment-privileged.yaml"));
    assert.equal(
      responseOf(await send(server, "/validate", admissionReview(obj, { operation: "UPDATE" }))).allowed,
      false,
    );
    const del = admissionReview(obj, { operation: "DELETE" }) as { request: Record<string, unknown> };
    del.request.object = null;
    assert.equal(responseOf(await send(server, "/validate", del)).allowed, true);
  });

  test("unknown kind is allowed with a log line", async () => {
    const obj = {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "cm", namespace: "apps" },
      data: {},
    };
    const resp = responseOf(await send(server, "/validate", admissionReview(obj)));
    assert.equal(resp.allowed, true);
    assert.equal(resp.status, undefined);
    assert.ok(logs.lines.some((l) => /unknown kind ConfigMap/.test(String(l.msg))));
  });

  test("malformed AdmissionReview gets HTTP 400 with a reason", async () => {
    const bad = [
      ["{not json", /malformed/],
      [{ kind: "AdmissionReview", apiVersion: "admission.k8s.io/v1" }, /request is missing/],
      [{ kind: "Pod", apiVersion: "v1" }, /kind must be AdmissionReview/],
      [
        {
          kind: "AdmissionReview",
          apiVersion: "admission.k8s.io/v1",
          request: { kind: { kind: "Pod" }, operation: "CREATE", object: {} },
        },
        /uid/,
      ],
      [
        {
          kind: "AdmissionReview",
          apiVersion: "admission.k8s.io/v1",
          request: { uid: "x", kind: { kind: "Pod" }, operation: "CREATE" },
        },
        /object is missing/,
      ],
    ] as const;
    for (const [body, reason] of bad) {
      const r = await send(server, "/validate", body);
      assert.equal(r.status, 400, r.text);
      assert.match((r.body as { error: string }).error, reason);
    }
  });

  test("health, readiness and metrics", async () => {
    assert.equal((await send(server, "/healthz", undefined, "GET")).status, 200);
    const ready = await send(server, "/readyz", undefined, "GET");
    assert.equal(ready.status, 200);
    const m = (await send(server, "/metrics", undefined, "GET")).text;
    for (const name of [
      "portcullis_webhook_requests_total",
      "portcullis_webhook_decisions_total",
      "portcullis_webhook_request_duration_seconds_bucket",
    ]) {
      assert.ok(m.includes(name), name);
    }
    assert.match(m, /portcullis_webhook_requests_total\{endpoint="validate",code="400"\} [1-9]/);
  });

  test("ImageReview: image rules per container", async () => {
    const review = (images: string[], namespace = "apps") => ({
      apiVersion: "imagepolicy.k8s.io/v1alpha1",
      kind: "ImageReview",
      spec: { containers: images.map((image) => ({ image })), namespace },
    });
    const ok = await send(server, "/imagereview", review(["docker.io/library/alpine:3.18"]));
    assert.equal(ok.status, 200);
    assert.deepEqual((ok.body as { status: { allowed: boolean } }).status.allowed, true);
    const bad = (await send(server, "/imagereview", review(["nginx:latest", "quay.io/x/y:1"]))).body as {
      status: { allowed: boolean; reason: string };
    };
    assert.equal(bad.status.allowed, false);
    assert.match(bad.status.reason, /\[image-tag-latest\] container 0 uses image nginx:latest/);
    assert.match(bad.status.reason, /\[image-registry-not-allowed\] container 1 uses image quay\.io\/x\/y:1/);
    const exempt = (await send(server, "/imagereview", review(["nginx:latest"], "kube-system"))).body as {
      status: { allowed: boolean };
    };
    assert.equal(exempt.status.allowed, true);
    assert.equal((await send(server, "/imagereview", { kind: "ImageReview" })).status, 400);
  });
});
