/** The shared table of cases through `portcullis check` (runCheck): verdicts as written in cases.json. */
import assert from "node:assert/strict";
import { join } from "node:path";
import { describe, test } from "node:test";
import { runCheck } from "../../src/check/run.js";
import { loadPolicyFile } from "../../src/policy/load.js";
import {
  CASES_DIR,
  expectedVerdict,
  NAMESPACES_FILE,
  POLICY_FILE,
  table,
  verdictFromFindings,
} from "../policy/cases.js";

describe("check: shared policy cases", () => {
  const policy = loadPolicyFile(POLICY_FILE);
  for (const c of table.cases) {
    test(c.name, async () => {
      const file = join(CASES_DIR, c.file);
      const { report, objects } = await runCheck({ policy, paths: [NAMESPACES_FILE, file] });
      assert.deepEqual(report.errors, []);
      const mine = report.findings.filter((f) => f.location?.file === file);
      const v = verdictFromFindings(mine);
      const { messages: _m, waived, ...got } = v;
      assert.deepEqual(got, expectedVerdict(c.expect));
      const evaluation = objects.find((o) => o.file === file)?.evaluation;
      assert.ok(evaluation, "the object was evaluated");
      assert.equal(evaluation.allowed, c.expect.allowed);
      if (c.expect.applies !== undefined) assert.equal(evaluation.applies, c.expect.applies);
      for (const w of c.expect.waived ?? []) assert.ok(waived.includes(w), `${w} is waived`);
      if (c.expect.expiredNote) {
        assert.ok(mine.some((f) => /expired on 2020-01-01; it no longer applies/.test(f.message)));
      }
      // Every finding points at a line in the case file.
      for (const f of mine) assert.ok((f.location?.line ?? 0) > 0, `${f.rule} has a line`);
    });
  }
});
