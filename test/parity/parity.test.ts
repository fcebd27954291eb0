/**
 * Parity (issue 12 item 6): every input of the table (cases.ts) through `lint k8s`, `check` and
 * the webhook's validate path (validateReview, the library function /validate calls) gives the
 * same rule ids, the ids the table names, with the same messages; check and the webhook give
 * the same verdict.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { runCheck } from "../../src/check/run.js";
import { parseManifests } from "../../src/k8s/load.js";
import { lintManifests } from "../../src/lint/k8s/engine.js";
import { podSecurityHook } from "../../src/lint/k8s/pod-security.js";
import { ImageInspector } from "../../src/policy/inspector.js";
import { parsePolicy } from "../../src/policy/load.js";
import type { Finding } from "../../src/report/finding.js";
import { type PolicyRuntime, validateReview } from "../../src/webhook/admission.js";
import { CASES, LINT_RULES, lintConfig, POLICY_TEXT } from "./cases.js";

const policy = parsePolicy(POLICY_TEXT).policy;

function runtime(): PolicyRuntime {
  return {
    policy,
    inspector: new ImageInspector({
      resolveDigest: async () => {
        throw new Error("this policy needs no look-ups");
      },
    }),
    namespaceLabels: new Map(),
  };
}

const ids = (rules: string[]) => [...new Set(rules)].sort();

/** rule id → sorted messages. */
function messages(items: { rule: string; message: string }[]): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const i of items) (out[i.rule] ??= []).push(i.message);
  for (const k of Object.keys(out)) out[k].sort();
  return out;
}

function lint(text: string): Finding[] {
  const r = lintManifests(parseManifests([{ file: "case.yaml", text }]), {
    config: lintConfig(),
    rules: LINT_RULES,
    podSecurity: podSecurityHook("restricted"),
  });
  assert.deepEqual(r.errors, []);
  return r.findings.filter((f) => !f.suppressed);
}

describe("lint k8s, check and the webhook agree", () => {
  for (const c of CASES) {
    it(c.name, async () => {
      const text = JSON.stringify(c.object, null, 2);
      const fromLint = lint(text);
      const checked = await runCheck({
        policy: { policy, source: "<inline>", baseDir: "." },
        paths: ["-"],
        readStdin: () => text,
      });
      assert.deepEqual(checked.report.errors, []);
      const fromCheck = checked.report.findings;
      const review = await validateReview(
        runtime(),
        {
          uid: "parity",
          kind: { group: "", version: "v1", kind: String(c.object.kind) },
          namespace: "apps",
          operation: "CREATE",
          object: c.object,
        },
        AbortSignal.timeout(5000),
      );
      const fromWebhook = review.evaluation?.decisions.filter((d) => !d.waived) ?? [];

      assert.deepEqual(ids(fromLint.map((f) => f.rule)), c.rules, "lint k8s");
      assert.deepEqual(ids(fromCheck.map((f) => f.rule)), c.rules, "check");
      assert.deepEqual(ids(fromWebhook.map((d) => d.rule)), c.rules, "webhook");
      // Same words everywhere, and the same places in the file for lint and check.
      assert.deepEqual(messages(fromCheck), messages(fromLint));
      assert.deepEqual(messages(fromWebhook), messages(fromLint));
      const where = (fs: Finding[]) =>
        fs.map((f) => `${f.rule} ${f.location?.line}:${f.location?.column}`).sort();
      assert.deepEqual(where(fromCheck), where(fromLint));
      // One verdict: check fails on enforce-mode (high) findings exactly when admission denies.
      assert.equal(review.response.allowed, c.allowed, "webhook verdict");
      assert.equal(!fromCheck.some((f) => f.severity === "high"), c.allowed, "check verdict");
    });
  }
});
