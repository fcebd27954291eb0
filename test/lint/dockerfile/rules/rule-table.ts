/**
 * Test helper for Dockerfile rule tables in the spirit of hadolint's specs: each snippet
 * must make the rule fire (`fires`) or must not (`passes`). A snippet without FROM gets
 * `FROM debian:12.7` put before it so snippets stay short.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { lintDockerfileText } from "../../../../src/lint/dockerfile/engine.js";
import { findDockerfileRule } from "../../../../src/lint/dockerfile/registry.js";
import type { Finding } from "../../../../src/report/finding.js";

export function findingsOf(ruleId: string, dockerfile: string): Finding[] {
  const text = /^\s*FROM\b/im.test(dockerfile) ? dockerfile : `FROM debian:12.7\n${dockerfile}`;
  const result = lintDockerfileText(text, "Dockerfile");
  assert.equal(result.error, undefined, `snippet did not parse: ${result.error?.message}\n${text}`);
  return result.findings.filter((f) => f.rule === ruleId);
}

export function ruleTable(ruleId: string, table: { fires: string[]; passes: string[] }): void {
  const rule = findDockerfileRule(ruleId);
  test(`${ruleId}: is registered with docs`, () => {
    assert.ok(rule, `${ruleId} is not in the registry`);
    assert.ok(rule.title.length > 0 && rule.docs.length > 20);
  });
  for (const snippet of table.fires) {
    test(`${ruleId} fires: ${JSON.stringify(snippet).slice(0, 90)}`, () => {
      const found = findingsOf(ruleId, snippet);
      assert.ok(found.length > 0, `expected ${ruleId} on:\n${snippet}`);
      for (const f of found) {
        assert.ok(f.location && f.location.line >= 1 && f.location.column >= 1);
        if (rule?.hadolint) assert.equal(f.hadolint, rule.hadolint);
      }
    });
  }
  for (const snippet of table.passes) {
    test(`${ruleId} passes: ${JSON.stringify(snippet).slice(0, 90)}`, () => {
      const found = findingsOf(ruleId, snippet);
      assert.deepEqual(
        found.map((f) => f.message),
        [],
        `expected no ${ruleId} on:\n${snippet}`,
      );
    });
  }
}
