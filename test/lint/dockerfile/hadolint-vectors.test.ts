/**
 * hadolint parity: for every case in shared/vectors/hadolint/cases.json whose hadolint id a
 * Portcullis rule maps, the mapped rule must fire exactly when hadolint's does (onbuild
 * cases: exactly one finding; `count`: exactly that many). Cases are prepared as the vectors'
 * README says: RUN lines wrapped in ONBUILD for onbuild cases, `FROM scratch` prepended when
 * there is no FROM. Prints the agreement per id.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { lintDockerfileText } from "../../../src/lint/dockerfile/engine.js";
import { DOCKERFILE_RULES } from "../../../src/lint/dockerfile/registry.js";
import { readVectorJson, SKIP_NO_SHARED } from "../../support/shared.js";

interface Case {
  rule: string;
  dockerfile: string;
  fires: boolean;
  onbuild: boolean;
  spec: string;
  count?: number;
  config?: unknown;
}

const vectors = readVectorJson<{ cases: Case[] }>("hadolint", "cases.json");

export function prepareCase(c: Case): string {
  let text = c.dockerfile;
  if (c.onbuild) text = text.replace(/^RUN/gm, "ONBUILD RUN");
  if (!/^\s*FROM\b/im.test(text)) text = `FROM scratch\n${text}`;
  return text;
}

const mapped = new Map(DOCKERFILE_RULES.filter((r) => r.hadolint).map((r) => [r.hadolint!, r.id]));

test("every required hadolint id is mapped", () => {
  for (const id of [
    "DL3000",
    "DL3004",
    "DL3006",
    "DL3007",
    "DL3008",
    "DL3009",
    "DL3013",
    "DL3015",
    "DL3016",
    "DL3018",
    "DL3020",
    "DL3028",
    "DL3042",
  ])
    assert.ok(mapped.has(id), `${id} is not mapped by any rule`);
});

test("mapped rules agree with hadolint on every vector case", {
  skip: vectors ? false : SKIP_NO_SHARED,
}, () => {
  const cases = vectors!.cases.filter((c) => mapped.has(c.rule) && c.config === undefined);
  const perId = new Map<string, { agree: number; total: number }>();
  const failures: string[] = [];
  for (const c of cases) {
    const ruleId = mapped.get(c.rule)!;
    const text = prepareCase(c);
    const result = lintDockerfileText(text, `${c.spec}`);
    const hits = result.findings.filter((f) => f.rule === ruleId);
    let ok: boolean;
    if (result.error) ok = false;
    else if (!c.fires) ok = hits.length === 0;
    else if (c.count !== undefined) ok = hits.length === c.count;
    else if (c.onbuild) ok = hits.length === 1;
    else ok = hits.length > 0;
    const s = perId.get(c.rule) ?? { agree: 0, total: 0 };
    s.total++;
    if (ok) s.agree++;
    else
      failures.push(
        `${c.rule} (${ruleId}) expected ${c.fires ? (c.count ?? (c.onbuild ? 1 : "≥1")) : 0}, got ${hits.length}${result.error ? ` [error: ${result.error.message}]` : ""}: ${JSON.stringify(text)}`,
      );
    perId.set(c.rule, s);
  }
  const lines = [...perId.entries()]
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(
      ([id, s]) =>
        `  ${id} ${mapped.get(id)!.padEnd(40)} ${s.agree}/${s.total} (${((100 * s.agree) / s.total).toFixed(1)}%)`,
    );
  console.log(`hadolint vector agreement per id:\n${lines.join("\n")}`);
  assert.deepEqual(failures, [], `disagreements:\n${failures.join("\n")}`);
});

test("every vector case parses or fails with a located error, never a crash", {
  skip: vectors ? false : SKIP_NO_SHARED,
}, () => {
  for (const c of vectors!.cases) {
    const result = lintDockerfileText(prepareCase(c), c.spec);
    if (result.error) {
      assert.ok(
        result.error.line !== undefined && result.error.line >= 1,
        `error without line: ${result.error.message}`,
      );
      assert.ok(result.error.message.length > 0);
    }
  }
});
