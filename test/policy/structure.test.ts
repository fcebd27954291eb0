/**
 * Structure facts of the policy engine (issue 12): no function over 150 lines in src/policy,
 * and no second workload model (src/policy/workload.ts, src/pss/workload.ts are gone: the
 * model is src/k8s/workload.ts).
 */
import assert from "node:assert/strict";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, it } from "node:test";
import ts from "typescript";
import { repoRoot } from "../support/shared.js";

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((f) => {
    const p = join(dir, f);
    return statSync(p).isDirectory() ? tsFiles(p) : p.endsWith(".ts") ? [p] : [];
  });
}

/** Functions longer than `max` lines, as "file:line (n lines)". */
function longFunctions(dir: string, max: number): string[] {
  const out: string[] = [];
  for (const file of tsFiles(dir)) {
    const src = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);
    const visit = (n: ts.Node) => {
      if (ts.isFunctionLike(n) && "body" in n && n.body) {
        const start = src.getLineAndCharacterOfPosition(n.getStart()).line;
        const lines = src.getLineAndCharacterOfPosition(n.end).line - start + 1;
        if (lines > max) out.push(`${relative(repoRoot, file)}:${start + 1} (${lines} lines)`);
      }
      ts.forEachChild(n, visit);
    };
    visit(src);
  }
  return out;
}

describe("policy engine structure", () => {
  it("no function in src/policy is over 150 lines", () => {
    assert.deepEqual(longFunctions(join(repoRoot, "src", "policy"), 150), []);
  });
  it("there is one workload model: src/k8s/workload.ts", () => {
    assert.ok(existsSync(join(repoRoot, "src", "k8s", "workload.ts")));
    assert.ok(!existsSync(join(repoRoot, "src", "policy", "workload.ts")));
    assert.ok(!existsSync(join(repoRoot, "src", "pss", "workload.ts")));
  });
});
