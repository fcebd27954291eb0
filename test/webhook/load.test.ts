/**
 * Fault test: 4,000 reviews offered at twice the rated rate (rated: 1,000 reviews/s) on loopback,
 * mixed allowed and denied Deployments, must all be answered 200 with no connection errors. The
 * count is fixed, not the duration, so a slow or busy machine answers the same number, later:
 * this asserts correctness under load, not speed (the bench measures speed).
 */
import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, test } from "node:test";
import autocannon from "autocannon";
import { CASES_DIR, POLICY_FILE, readObjects } from "../policy/cases.js";
import { admissionReview, startTestWebhook } from "./client.js";

describe("webhook under 2x the rated load", () => {
  test("4,000 reviews offered at 2,000/s: no errors, every answer 200", async () => {
    const { server } = await startTestWebhook({ policyFile: POLICY_FILE });
    try {
      const bodies = ["pod-good.yaml", "deployment-privileged.yaml", "cronjob-bad-registry.yaml"].map((f) =>
        JSON.stringify(admissionReview(readObjects(join(CASES_DIR, f))[0])),
      );
      const url = new URL(server.url);
      const result = await autocannon({
        url: `${server.url}/validate`,
        connections: 16,
        overallRate: 2000,
        amount: 4000,
        // Generous: a loaded CI machine answers late, and lateness is the bench's business.
        timeout: 60,
        requests: bodies.map((body) => ({
          method: "POST" as const,
          path: "/validate",
          headers: { "content-type": "application/json" },
          body,
        })),
        servername: url.hostname,
      });
      assert.equal(result.errors, 0, "connection errors");
      assert.equal(result.timeouts, 0, "timeouts");
      assert.equal(result.non2xx, 0, "non-2xx answers");
      assert.equal(result["2xx"], 4000, `answered ${result["2xx"]} of 4000 with 200`);
      const m = (await (await import("./client.js")).send(server, "/metrics", undefined, "GET")).text;
      assert.match(
        m,
        /portcullis_webhook_decisions_total\{endpoint="validate",decision="denied",dry_run="false"\} \d{4}/,
      );
    } finally {
      await server.close();
    }
  });
});
