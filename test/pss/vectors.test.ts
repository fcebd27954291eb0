/**
 * Agreement with Pod Security Admission's own generated fixtures (shared/vectors/pss, from
 * kubernetes/pod-security-admission test/testdata): every pod must be allowed or denied as upstream
 * says, and a denied pod must be denied by the check the fixture exercises. At the restricted level,
 * PSA replaces some baseline checks by stricter restricted ones (hostPathVolumes → restrictedVolumes,
 * capabilities_baseline → capabilities_restricted from v1.22, seccompProfile_baseline →
 * seccompProfile_restricted from v1.19, procMount → procMount_restricted from v1.35); a baseline
 * fixture evaluated there is then denied by the replacing check, which the registry names.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { parse } from "yaml";
import { evaluatePodSecurity, resolvePodSecurityPolicy } from "../../src/pss/index.js";
import { readVectorJson, SKIP_NO_SHARED, vectorPath } from "../support/shared.js";

interface Case {
  file: string;
  level: "baseline" | "restricted";
  version: string;
  expected: "allowed" | "denied";
  check: string | null;
}

const data = readVectorJson<{ cases: Case[] }>("pss", "cases.json");
const cases = data?.cases ?? [];

const groups = new Map<string, Case[]>();
for (const c of cases) {
  const key = `${c.level} ${c.version}`;
  groups.set(key, [...(groups.get(key) ?? []), c]);
}

const tally = { agree: 0, direct: 0, viaOverride: 0, total: 0, alsoOther: new Set<string>() };

/** Why a case disagrees, or undefined when it agrees. */
function disagreement(c: Case): string | undefined {
  const pod = parse(readFileSync(vectorPath("pss", c.file)!, "utf8"));
  const result = evaluatePodSecurity(pod, { level: c.level, version: c.version });
  const got = result.violations.map((v) => v.check);
  if (c.expected === "allowed") {
    return result.allowed ? undefined : `expected allowed, got ${JSON.stringify(result.violations)}`;
  }
  if (result.allowed) return `expected denied by ${c.check}, got allowed`;
  if (c.check === null) return "denied case without a check";
  const replacement = resolvePodSecurityPolicy(c.level, c.version).overridden.get(c.check);
  const expectedCheck = replacement ?? c.check;
  if (!got.includes(expectedCheck)) {
    return `expected ${expectedCheck}${replacement ? ` (replacing ${c.check})` : ""} among ${JSON.stringify(result.violations)}`;
  }
  if (got.length > 1) tally.alsoOther.add(`${c.check}+${got.filter((g) => g !== expectedCheck).join("+")}`);
  if (replacement) tally.viaOverride++;
  else tally.direct++;
  return undefined;
}

describe("Pod Security Admission fixtures (shared/vectors/pss)", {
  skip: data ? false : SKIP_NO_SHARED,
}, () => {
  for (const [key, group] of groups) {
    it(`${key}: ${group.length} fixtures`, () => {
      const problems: string[] = [];
      for (const c of group) {
        tally.total++;
        const why = disagreement(c);
        if (why) problems.push(`${c.file}: ${why}`);
        else tally.agree++;
      }
      assert.deepEqual(problems, []);
    });
  }

  it("agrees with every fixture", (t) => {
    t.diagnostic(
      `PSS vectors agreement: ${tally.agree}/${tally.total} (denied by the fixture's check: ${tally.direct}, ` +
        `by the restricted check that replaces it: ${tally.viaOverride}); fixtures that also fail other checks: ` +
        `${[...tally.alsoOther].sort().join(", ") || "none"}`,
    );
    console.log(`PSS vectors agreement: ${tally.agree}/${tally.total}`);
    assert.equal(tally.total, cases.length);
    assert.equal(tally.agree, cases.length);
  });
});
