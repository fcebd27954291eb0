/**
 * `portcullis lint dockerfile` end to end: real files in a temp directory, the real CLI
 * process, JSON output, exit codes, config, ignores, stdin, --build-arg, --list-rules.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { test } from "node:test";
import type { Report } from "../../../src/report/finding.js";
import { repoRoot } from "../../support/shared.js";

function cli(args: string[], input?: string, cwd = repoRoot) {
  const r = spawnSync(
    process.execPath,
    ["--import", "tsx", join(repoRoot, "src/cli/main.ts"), "lint", "dockerfile", ...args],
    {
      cwd,
      input,
      encoding: "utf8",
      env: { ...process.env, NO_COLOR: "1" },
    },
  );
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const dir = mkdtempSync(join(tmpdir(), "portcullis-df-"));
mkdirSync(join(dir, "svc", "api"), { recursive: true });
mkdirSync(join(dir, "node_modules", "x"), { recursive: true });
writeFileSync(
  join(dir, "svc", "api", "Dockerfile"),
  "FROM node:latest\nRUN npm install -g typescript\nCMD node index.js\n",
);
writeFileSync(join(dir, "svc", "web.Dockerfile"), "FROM nginx:1.27\nUSER 101\n");
writeFileSync(join(dir, "svc", "Dockerfile.dockerignore"), "node_modules\n");
writeFileSync(join(dir, "node_modules", "x", "Dockerfile"), "FROM bad bad bad bad\n");
writeFileSync(join(dir, "broken.Containerfile"), "FROM alpine:3.20\nRUN <<EOF\necho\n");

test("a directory is searched; JSON findings carry hadolint ids; exit 1 on high findings", () => {
  const r = cli([join(dir, "svc"), "-f", "json"]);
  assert.equal(r.code, 1, r.stderr);
  const report = JSON.parse(r.stdout) as Report;
  assert.equal(report.summary.files, 2);
  const latest = report.findings.find((f) => f.rule === "dockerfile-base-image-latest");
  assert.ok(latest);
  assert.equal(latest.hadolint, "DL3007");
  assert.deepEqual([latest.location?.line, latest.location?.column], [1, 6]);
  assert.ok(latest.location?.file.endsWith(join("api", "Dockerfile")));
  assert.ok(report.findings.some((f) => f.rule === "dockerfile-npm-unpinned" && f.hadolint === "DL3016"));
  // SARIF lists every rule with its hadolint id
  const sarif = JSON.parse(cli([join(dir, "svc"), "-f", "sarif"]).stdout);
  const rules = sarif.runs[0].tool.driver.rules as { id: string; properties?: { hadolint?: string } }[];
  assert.ok(
    rules.some((x) => x.id === "dockerfile-apt-unpinned" && x.properties?.hadolint === "DL3008"),
    JSON.stringify(rules[0]),
  );
});

test("a broken Dockerfile is an input error with its line; the others are still linted (exit 2)", () => {
  const r = cli([join(dir, "broken.Containerfile"), join(dir, "svc", "web.Dockerfile"), "-f", "json"]);
  assert.equal(r.code, 2);
  const report = JSON.parse(r.stdout) as Report;
  assert.equal(report.errors.length, 1);
  assert.equal(report.errors[0].line, 2);
  assert.match(report.errors[0].message, /unterminated heredoc/);
  assert.ok(report.findings.some((f) => f.location?.file.endsWith("web.Dockerfile")));
  assert.match(r.stderr, /broken\.Containerfile:2:\d+: unterminated heredoc/);
  assert.doesNotMatch(r.stderr, /at .*\.ts:\d+/);
});

test("a missing path is exit 2 with a message", () => {
  const r = cli([join(dir, "nope"), "-f", "json"]);
  assert.equal(r.code, 2);
  assert.match(JSON.parse(r.stdout).errors[0].message, /no such file/);
});

test("stdin, --build-arg and --fail-on", () => {
  const text = "ARG BASE\nFROM ${BASE}\nUSER 1000\n";
  let r = cli(["-", "-f", "json", "--fail-on", "none"], text);
  assert.equal(r.code, 0);
  assert.deepEqual((JSON.parse(r.stdout) as Report).findings, []);
  r = cli(["-", "-f", "json", "--build-arg", "BASE=ubuntu:latest"], text);
  assert.equal(r.code, 1);
  const f = (JSON.parse(r.stdout) as Report).findings.find((x) => x.rule === "dockerfile-base-image-latest");
  assert.equal(f?.image, "ubuntu:latest");
  assert.equal(f?.location?.file, "-");
  r = cli(["-", "--build-arg", "oops"], text);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /NAME=VALUE/);
});

test("inline ignores are reported as suppressed and do not fail the run", () => {
  const text =
    'FROM alpine:3.20@sha256:beefdb4a0e1f0b2d2f3ddd4c1ee5a1f0e0e9b1c46e3d38a1e9e1e0a3a1c4d2e9\n# portcullis ignore=dockerfile-final-stage-root\nCMD ["sh"]\n';
  const bare = cli(
    ["-", "-f", "json"],
    'FROM alpine:3.20@sha256:beefdb4a0e1f0b2d2f3ddd4c1ee5a1f0e0e9b1c46e3d38a1e9e1e0a3a1c4d2e9\nCMD ["sh"]\n',
  );
  assert.equal(bare.code, 1);
  // the final-stage-root finding sits on FROM; ignore it there
  const ignored = cli(
    ["-", "-f", "json"],
    `# portcullis ignore=dockerfile-final-stage-root,DL3007\n${text.split("\n")[0]}\nCMD ["sh"]\n`,
  );
  assert.equal(ignored.code, 0, ignored.stdout);
  const report = JSON.parse(ignored.stdout) as Report;
  const f = report.findings.find((x) => x.rule === "dockerfile-final-stage-root");
  assert.match(f?.suppressed?.reason ?? "", /inline ignore at line 1/);
  assert.equal(report.summary.suppressed, 1);
});

test("the shared .portcullis.yaml turns rules off and changes severities", () => {
  const proj = mkdtempSync(join(tmpdir(), "portcullis-cfg-"));
  writeFileSync(join(proj, "Dockerfile"), "FROM node:latest\nUSER node\nEXPOSE 22\n");
  writeFileSync(
    join(proj, ".portcullis.yaml"),
    "rules:\n  dockerfile-base-image-latest: low\n  DL3006: off\nignore: [dockerfile-expose-ssh]\nrequireDigest: off\n",
  );
  const r = cli([proj, "-f", "json"]);
  const report = JSON.parse(r.stdout) as Report;
  assert.equal(r.code, 0, r.stdout);
  assert.equal(report.findings.find((f) => f.rule === "dockerfile-base-image-latest")?.severity, "low");
  assert.ok(!report.findings.some((f) => f.rule === "dockerfile-expose-ssh"));
  assert.ok(!report.findings.some((f) => f.rule === "dockerfile-base-image-no-digest"));
  writeFileSync(join(proj, "bad.yaml"), "rules:\n  x: loud\n");
  const bad = cli([proj, "--config", join(proj, "bad.yaml")]);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /bad\.yaml:2:\d+/);
});

test("--list-rules and --help", () => {
  const list = cli(["--list-rules"]);
  assert.equal(list.code, 0);
  assert.match(list.stdout, /dockerfile-apt-unpinned\s+medium\s+DL3008/);
  const help = cli(["--help"]);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /--build-arg/);
  assert.match(help.stdout, /Examples:/);
  assert.match(help.stdout, /portcullis ignore=/);
});

test("the example Dockerfile has real findings and the fixed one lints clean", () => {
  const bad = cli(["examples/docker/Dockerfile", "-f", "json"]);
  assert.equal(bad.code, 1);
  const rules = new Set((JSON.parse(bad.stdout) as Report).findings.map((f) => f.rule));
  for (const id of [
    "dockerfile-final-stage-root",
    "dockerfile-secret-in-env",
    "dockerfile-curl-pipe-shell",
    "dockerfile-chmod-777",
    "dockerfile-apt-unpinned",
  ])
    assert.ok(rules.has(id), `missing ${id}`);
  const good = cli(["examples/docker/Dockerfile.fixed", "-f", "json"]);
  assert.equal(good.code, 0, good.stdout);
});

test("the table shows each Dockerfile finding's hadolint id next to the rule id (as SARIF and JSON do)", () => {
  const r = cli(["-f", "table", "-"], "FROM debian:12.7\nRUN cd /opt\nCMD ./run\n");
  assert.equal(r.stderr, "");
  assert.match(r.stdout, /dockerfile-cd-in-run \(DL3003\) {2}use WORKDIR/);
  assert.match(r.stdout, /dockerfile-shell-form-cmd \(DL3025\)/);
  // A rule without a hadolint counterpart shows no id in parentheses.
  const plain = cli(["-f", "table", "-"], 'FROM debian:12.7\nEXPOSE 22\nCMD ["x"]\n');
  assert.match(plain.stdout, /dockerfile-expose-ssh {2}/);
});
