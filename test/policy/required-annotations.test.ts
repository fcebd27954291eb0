/**
 * spec.rules.requiredAnnotations (src/policy/rules/required-annotations.ts): the pod metadata (a
 * Pod's own, a workload's pod template's, a CronJob's job template's pod) must carry the
 * annotations; the workload object's own annotations do not count; no look-up, so `check`
 * judges it without --images, with the line of the field.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { runCheck } from "../../src/check/run.js";
import { evaluatePolicy } from "../../src/policy/engine.js";
import { lines, podWith, policyWith } from "./metadata-support.js";

const POLICY = policyWith(`requiredAnnotations:
  annotations:
    - { key: acme.example/owner, value: "team-*" }
    - { key: acme.example/ticket }`);

const OWNER = "acme.example/owner";
const TICKET = "acme.example/ticket";

function deployment(own: Record<string, string>, template: Record<string, string> | undefined) {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "web", namespace: "apps", annotations: own },
    spec: {
      template: {
        metadata: template ? { annotations: template } : {},
        spec: { containers: [{ name: "app", image: "ghcr.io/acme/app:1" }] },
      },
    },
  };
}

describe("requiredAnnotations", () => {
  const table: { name: string; obj: Record<string, unknown>; want: string[] }[] = [
    {
      name: "a pod with both annotations passes",
      obj: podWith("ghcr.io/acme/app:1", { [OWNER]: "team-payments", [TICKET]: "OPS-1" }),
      want: [],
    },
    {
      name: "a pod missing one is told which",
      obj: podWith("ghcr.io/acme/app:1", { [OWNER]: "team-payments" }),
      want: [`workload-annotation-required: the pod's metadata has no annotation ${TICKET}`],
    },
    {
      name: "a value outside the pattern is quoted",
      obj: podWith("ghcr.io/acme/app:1", { [OWNER]: "payments", [TICKET]: "OPS-1" }),
      want: [
        `workload-annotation-required: the pod's metadata has annotation ${OWNER} "payments", which does not match "team-*"`,
      ],
    },
    {
      name: "an empty value counts as missing",
      obj: podWith("ghcr.io/acme/app:1", { [OWNER]: "team-a", [TICKET]: "" }),
      want: [`workload-annotation-required: the pod's metadata has an empty annotation ${TICKET}`],
    },
    {
      name: "a Deployment is judged by its pod template",
      obj: deployment({}, { [OWNER]: "team-a", [TICKET]: "OPS-2" }),
      want: [],
    },
    {
      name: "a Deployment's own annotations do not reach its pods, so they do not count",
      obj: deployment({ [OWNER]: "team-a", [TICKET]: "OPS-2" }, undefined),
      want: [
        `workload-annotation-required: the pod template's metadata has no annotation ${OWNER}`,
        `workload-annotation-required: the pod template's metadata has no annotation ${TICKET}`,
      ],
    },
  ];
  for (const c of table) {
    it(c.name, () => {
      const e = evaluatePolicy(POLICY, c.obj, { lookups: false });
      assert.deepEqual(lines(e), c.want);
      assert.equal(e.allowed, c.want.length === 0);
    });
  }

  it("a CronJob is judged by its job template's pod metadata", () => {
    const cron = {
      apiVersion: "batch/v1",
      kind: "CronJob",
      metadata: { name: "nightly", annotations: { [OWNER]: "team-a", [TICKET]: "x" } },
      spec: {
        schedule: "@daily",
        jobTemplate: {
          spec: {
            template: {
              metadata: { annotations: { [OWNER]: "team-a" } },
              spec: { containers: [{ name: "c", image: "ghcr.io/acme/job:1" }] },
            },
          },
        },
      },
    };
    const e = evaluatePolicy(POLICY, cron, { lookups: false });
    assert.deepEqual(lines(e), [
      `workload-annotation-required: the pod template's metadata has no annotation ${TICKET}`,
    ]);
    assert.deepEqual(e.decisions[0].path, [
      "spec",
      "jobTemplate",
      "spec",
      "template",
      "metadata",
      "annotations",
    ]);
  });

  it("check judges it without --images, pointing at the offending value", async () => {
    const manifest = `apiVersion: v1
kind: Pod
metadata:
  name: p
  annotations:
    ${OWNER}: ops
    ${TICKET}: OPS-3
spec:
  containers: [{ name: app, image: "ghcr.io/acme/app:1" }]
`;
    const r = await runCheck({
      policy: { policy: POLICY, source: "policy.yaml", baseDir: "." },
      paths: ["-"],
      readStdin: () => manifest,
    });
    assert.deepEqual(
      r.report.findings.map((f) => `${f.severity} ${f.rule} ${f.location?.line}:${f.location?.column}`),
      ["high workload-annotation-required 6:25"],
    );
    assert.deepEqual(r.notes, []);
  });
});
