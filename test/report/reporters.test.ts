import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, it } from "node:test";
import Ajv4 from "ajv-draft-04";
import addFormats from "ajv-formats";
import {
  buildReport,
  exitCodeFor,
  type Finding,
  type Report,
  renderReport,
  severityRank,
} from "../../src/report/index.js";
import { repoRoot } from "../support/shared.js";

const findings: Finding[] = [
  {
    rule: "image-tag-latest",
    severity: "high",
    message: "container app uses image nginx:latest; pin a version tag or digest",
    location: { file: "deploy/web.yaml", line: 21, column: 16 },
    object: { apiVersion: "apps/v1", kind: "Deployment", namespace: "default", name: "web" },
    container: "app",
    image: "nginx:latest",
    fix: "use nginx:1.27.3@sha256:…",
  },
  {
    rule: "container-cpu-limit-missing",
    severity: "low",
    message: "container app has no cpu limit",
    location: { file: "deploy/web.yaml", line: 19, column: 11 },
    object: { apiVersion: "apps/v1", kind: "Deployment", namespace: "default", name: "web" },
    container: "app",
  },
  {
    rule: "dockerfile-user-root",
    severity: "medium",
    message: "final stage runs as root",
    location: { file: "build/Dockerfile <&>", line: 1, column: 1 },
    hadolint: "DL3002",
    suppressed: { reason: "base image drops privileges itself" },
  },
];

function sample(errors: Report["errors"] = []): Report {
  return buildReport({
    toolVersion: "1.2.3",
    findings,
    errors,
    files: 2,
    objects: 1,
    rules: [
      { id: "image-tag-latest", severity: "high", title: "Image uses latest", docs: "Pin a version." },
      { id: "container-cpu-limit-missing", severity: "low", title: "No cpu limit", docs: "Set a cpu limit." },
      { id: "never-fired", severity: "medium", title: "Never fired", docs: "Listed anyway." },
    ],
  });
}

describe("finding model", () => {
  it("orders severities low < medium < high < critical", () => {
    assert.ok(severityRank("low") < severityRank("medium"));
    assert.ok(severityRank("medium") < severityRank("high"));
    assert.ok(severityRank("high") < severityRank("critical"));
  });
  it("sorts findings by file then line and counts only unsuppressed ones", () => {
    const r = sample();
    assert.deepEqual(
      r.findings.map((f) => f.rule),
      ["dockerfile-user-root", "container-cpu-limit-missing", "image-tag-latest"],
    );
    assert.deepEqual(r.summary.findings, { critical: 0, high: 1, medium: 0, low: 1 });
    assert.equal(r.summary.suppressed, 1);
  });
  it("exit codes follow --fail-on, and 2 wins when an input failed", () => {
    const r = sample();
    assert.equal(exitCodeFor(r, "high"), 1);
    assert.equal(exitCodeFor(r, "critical"), 0);
    assert.equal(exitCodeFor(r, "low"), 1);
    assert.equal(exitCodeFor(r, "none"), 0);
    // the suppressed medium finding must not count
    const onlySuppressed = buildReport({ toolVersion: "1", findings: [findings[2]], files: 1, objects: 0 });
    assert.equal(exitCodeFor(onlySuppressed, "low"), 0);
    assert.equal(exitCodeFor(sample([{ file: "x.yaml", line: 3, message: "bad" }]), "critical"), 2);
  });
});

describe("json reporter", () => {
  it("matches the contract shape", () => {
    const out = JSON.parse(renderReport(sample(), "json", { color: false, quiet: false }));
    assert.deepEqual(Object.keys(out).sort(), ["errors", "findings", "summary", "tool"]);
    assert.deepEqual(out.tool, { name: "portcullis", version: "1.2.3" });
    const f = out.findings.find((x: Finding) => x.rule === "image-tag-latest");
    assert.deepEqual(f.location, { file: "deploy/web.yaml", line: 21, column: 16 });
    assert.equal(f.object.kind, "Deployment");
    assert.equal(out.summary.files, 2);
    assert.equal(out.summary.findings.high, 1);
  });
});

describe("sarif reporter", () => {
  const schema = JSON.parse(
    readFileSync(join(repoRoot, "test/fixtures/sarif/sarif-schema-2.1.0.json"), "utf8"),
  );
  const ajv = new Ajv4.default({ allErrors: true, strict: false, unicodeRegExp: false });
  addFormats.default(ajv as never);
  const validate = ajv.compile(schema);

  it("validates against the SARIF 2.1.0 schema, with and without input errors", () => {
    for (const r of [
      sample(),
      sample([{ file: "bad.yaml", line: 4, column: 2, message: "mapping values not allowed" }]),
    ]) {
      const sarif = JSON.parse(renderReport(r, "sarif", { color: false, quiet: false }));
      const ok = validate(sarif);
      assert.ok(ok, JSON.stringify(validate.errors, null, 2));
    }
  });
  it("has one rule entry per rule id and physical locations", () => {
    const sarif = JSON.parse(renderReport(sample(), "sarif", { color: false, quiet: false }));
    const run = sarif.runs[0];
    const ids = run.tool.driver.rules.map((r: { id: string }) => r.id);
    assert.equal(new Set(ids).size, ids.length);
    assert.deepEqual(ids, [
      "container-cpu-limit-missing",
      "dockerfile-user-root",
      "image-tag-latest",
      "never-fired",
    ]);
    const res = run.results.find((x: { ruleId: string }) => x.ruleId === "image-tag-latest");
    assert.equal(run.tool.driver.rules[res.ruleIndex].id, "image-tag-latest");
    assert.equal(res.level, "error");
    assert.deepEqual(res.locations[0].physicalLocation.region, { startLine: 21, startColumn: 16 });
    assert.equal(res.locations[0].physicalLocation.artifactLocation.uri, "deploy/web.yaml");
    const suppressed = run.results.find((x: { ruleId: string }) => x.ruleId === "dockerfile-user-root");
    assert.equal(suppressed.suppressions[0].justification, "base image drops privileges itself");
    assert.equal(
      suppressed.locations[0].physicalLocation.artifactLocation.uri,
      "build/Dockerfile%20%3C%26%3E",
    );
  });
  it("fails validation when the output is broken (the schema check is real)", () => {
    const sarif = JSON.parse(renderReport(sample(), "sarif", { color: false, quiet: false }));
    sarif.runs[0].results[0].level = "fatal";
    assert.equal(validate(sarif), false);
  });
});

describe("junit reporter", () => {
  it("writes one suite per file, failures for findings, skipped for suppressed, escaped XML", () => {
    const xml = renderReport(sample([{ file: "bad.yaml", line: 4, message: "x < y" }]), "junit", {
      color: false,
      quiet: false,
    });
    assert.match(xml, /^<\?xml version="1.0" encoding="UTF-8"\?>/);
    assert.match(xml, /<testsuites name="portcullis" tests="4" failures="2" errors="1">/);
    assert.match(
      xml,
      /<testsuite name="build\/Dockerfile &lt;&amp;&gt;" tests="1" failures="0" errors="0" skipped="1">/,
    );
    assert.match(
      xml,
      /<failure message="container app uses image nginx:latest; pin a version tag or digest" type="high">/,
    );
    assert.match(xml, /<error message="x &lt; y" type="input-error"\/>/);
  });
});

describe("table reporter", () => {
  it("groups by file and object and ends with a summary line", () => {
    const text = renderReport(sample(), "table", { color: false, quiet: false });
    const lines = text.trimEnd().split("\n");
    assert.equal(lines[0], "build/Dockerfile <&>");
    assert.ok(lines.includes("deploy/web.yaml"));
    assert.ok(lines.includes("  Deployment default/web"));
    assert.ok(
      lines.some((l) =>
        /^ {4}21:16 {2}HIGH {5}image-tag-latest {2}container app uses image nginx:latest/.test(l),
      ),
    );
    assert.equal(lines.at(-1), "2 files, 1 object: 2 findings (1 high, 1 low), 1 suppressed");
    assert.doesNotMatch(text, /\u001b\[/, "no ANSI codes without colour");
  });
  it("colours only when asked", () => {
    const text = renderReport(sample(), "table", { color: true, quiet: false });
    assert.match(text, /\u001b\[/);
  });
  it("quiet drops the summary line", () => {
    const text = renderReport(sample(), "table", { color: false, quiet: true });
    assert.doesNotMatch(text, /files?, \d+ objects?/);
  });
});
