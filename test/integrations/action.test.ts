/**
 * The composite action (action.yml): its shell steps run as GitHub's runner would run them —
 * bash with the step's env (inputs), GITHUB_OUTPUT and GITHUB_PATH files — against this
 * checkout's CLI. Checks SARIF output, exit codes, outputs, bad inputs, and that an input
 * holding shell syntax is data, not code.
 */
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { parse } from "yaml";
import { portcullisShim } from "../support/cli-shim.js";
import { repoRoot } from "../support/shared.js";

interface Step {
  id: string;
  shell: string;
  env: Record<string, string>;
  run: string;
}
interface Action {
  inputs: Record<string, { default?: string; required?: boolean }>;
  runs: { using: string; steps: Step[] };
}

const action = parse(readFileSync(join(repoRoot, "action.yml"), "utf8")) as Action;

/** Evaluate the `${{ inputs.x }}` / `${{ github.action_path }}` expressions of a step's env. */
function stepEnv(step: Step, inputs: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(step.env ?? {})) {
    out[k] = String(v).replace(/\$\{\{\s*([\w.-]+)\s*\}\}/g, (_, expr: string) => {
      if (expr === "github.action_path") return repoRoot;
      const name = expr.replace(/^inputs\./, "");
      return inputs[name] ?? action.inputs[name]?.default ?? "";
    });
  }
  return out;
}

function runStep(id: string, inputs: Record<string, string>, cwd: string) {
  const step = action.runs.steps.find((s) => s.id === id);
  assert.ok(step, `step ${id}`);
  const work = mkdtempSync(join(tmpdir(), "portcullis-action-"));
  const ghOutput = join(work, "output");
  const ghPath = join(work, "path");
  writeFileSync(ghOutput, "");
  writeFileSync(ghPath, "");
  const r = spawnSync("bash", ["--noprofile", "--norc", "-e", "-o", "pipefail", "-c", step.run], {
    cwd,
    encoding: "utf8",
    env: {
      ...process.env,
      PATH: `${portcullisShim()}:${process.env.PATH}`,
      NO_COLOR: "1",
      GITHUB_OUTPUT: ghOutput,
      GITHUB_PATH: ghPath,
      ...stepEnv(step, inputs),
    },
    timeout: 120_000,
  });
  const outputs = Object.fromEntries(
    readFileSync(ghOutput, "utf8")
      .split("\n")
      .filter(Boolean)
      .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
  );
  return { code: r.status, out: `${r.stdout}${r.stderr}`, outputs };
}

describe("CI action (action.yml) steps run as a shell would", () => {
  test("is a composite action whose inputs reach the shell only through env", () => {
    assert.equal(action.runs.using, "composite");
    for (const s of action.runs.steps)
      assert.doesNotMatch(s.run, /\$\{\{/, `step ${s.id} splices an expression into its script`);
  });

  test("install step does nothing when portcullis is already on PATH", () => {
    const r = runStep("install", {}, repoRoot);
    assert.equal(r.code, 0, r.out);
  });

  test("lint-k8s writes SARIF 2.1.0, sets outputs and exits 1 on high findings", () => {
    const dir = mkdtempSync(join(tmpdir(), "portcullis-action-ws-"));
    const sarif = join(dir, "out.sarif");
    const r = runStep(
      "run",
      { verb: "lint-k8s", paths: join(repoRoot, "examples/k8s"), "sarif-file": sarif },
      dir,
    );
    assert.equal(r.code, 1, r.out);
    const doc = JSON.parse(readFileSync(sarif, "utf8"));
    assert.equal(doc.version, "2.1.0");
    assert.ok(doc.runs[0].results.some((x: { ruleId: string }) => x.ruleId === "image-tag-latest"));
    assert.equal(r.outputs["sarif-file"], sarif);
    assert.equal(r.outputs["exit-code"], "1");
  });

  test("fail-on none and extra args pass through to the CLI", () => {
    const dir = mkdtempSync(join(tmpdir(), "portcullis-action-ws-"));
    const r = runStep(
      "run",
      {
        verb: "lint-dockerfile",
        paths: join(repoRoot, "examples/docker/Dockerfile"),
        "fail-on": "none",
        args: "--quiet",
        "sarif-file": join(dir, "d.sarif"),
      },
      dir,
    );
    assert.equal(r.code, 0, r.out);
    assert.equal(r.outputs["exit-code"], "0");
    assert.ok(JSON.parse(readFileSync(join(dir, "d.sarif"), "utf8")).runs[0].results.length > 0);
  });

  test("check without a policy input is a usage error (exit 2) with an annotation", () => {
    const r = runStep("run", { verb: "check" }, repoRoot);
    assert.equal(r.code, 2);
    assert.match(r.out, /::error::input 'policy' is required/);
  });

  test("an unknown verb is refused", () => {
    const r = runStep("run", { verb: "frobnicate" }, repoRoot);
    assert.equal(r.code, 2);
    assert.match(r.out, /unknown verb 'frobnicate'/);
  });

  test("an input holding shell syntax is data, not code", () => {
    const dir = mkdtempSync(join(tmpdir(), "portcullis-action-ws-"));
    const marker = join(dir, "pwned");
    const r = runStep("run", { verb: "lint-k8s", paths: `$(touch ${marker}) ;touch ${marker}` }, dir);
    assert.equal(existsSync(marker), false, r.out);
    assert.notEqual(r.code, 0);
  });
});
