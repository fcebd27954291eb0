/**
 * The README's library example, run against the package's main entry (src/index.ts), so the
 * documented calls and results stay true.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { it } from "node:test";
import {
  buildReport,
  effectivePullPolicy,
  lintManifests,
  loadManifests,
  matchImagePattern,
  parseReference,
  podSecurityHook,
  renderReport,
} from "../../src/index.js";
import { repoRoot } from "../support/shared.js";

it("README library example: references", () => {
  const readme = readFileSync(join(repoRoot, "README.md"), "utf8");
  const ref = parseReference("nginx:1.27");
  assert.equal(ref.domain, "docker.io");
  assert.equal(ref.path, "library/nginx");
  assert.equal(ref.dockerRef(), "docker.io/library/nginx:1.27");
  assert.equal(ref.familiar(), "nginx:1.27");
  assert.equal(effectivePullPolicy("nginx"), "Always");
  assert.equal(matchImagePattern("docker.io/library/*", ref), true);
  // the README shows these very results
  for (const shown of [
    '"docker.io"',
    '"library/nginx"',
    '"docker.io/library/nginx:1.27"',
    '"nginx:1.27"',
    '"Always"',
  ]) {
    assert.ok(readme.includes(shown), `README shows ${shown}`);
  }
});

it("README library example: lint the examples with Pod Security restricted, as SARIF", () => {
  const lint = lintManifests(loadManifests([join(repoRoot, "examples/k8s")]), {
    podSecurity: podSecurityHook("restricted"),
  });
  const report = buildReport({ toolVersion: "dev", ...lint });
  const sarif = JSON.parse(renderReport(report, "sarif", { color: false, quiet: true }));
  const ids = new Set(sarif.runs[0].results.map((r: { ruleId: string }) => r.ruleId));
  assert.ok(ids.has("pss-restricted:runAsNonRoot"));
  assert.ok(ids.has("image-tag-latest"));
  assert.ok(report.summary.findings.high > 0);
});
