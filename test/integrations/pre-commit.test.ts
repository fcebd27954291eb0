/**
 * The pre-commit hooks in .pre-commit-hooks.yaml, run by Debian's real `pre-commit` through
 * `pre-commit try-repo` on a sample repository: each hook fails on a bad file with the rule id in
 * its output and passes once the file is fixed. Skips when pre-commit or git is not installed.
 */
import assert from "node:assert/strict";
import { execFileSync, spawnSync } from "node:child_process";
import { copyFileSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, test } from "node:test";
import { portcullisShim } from "../support/cli-shim.js";
import { repoRoot } from "../support/shared.js";

function has(cmd: string): boolean {
  return spawnSync("sh", ["-c", `command -v ${cmd}`]).status === 0;
}
const skip =
  !has("pre-commit") || !has("git") ? "pre-commit or git not installed (apt-get install pre-commit)" : false;

function sampleRepo(): string {
  const dir = mkdtempSync(join(tmpdir(), "portcullis-precommit-"));
  const git = (...args: string[]) => execFileSync("git", args, { cwd: dir, stdio: "pipe" });
  git("init", "-q");
  git("config", "user.email", "test@example.invalid");
  git("config", "user.name", "test");
  copyFileSync(join(repoRoot, "examples/docker/Dockerfile"), join(dir, "Dockerfile"));
  copyFileSync(join(repoRoot, "examples/k8s/web.yaml"), join(dir, "web.yaml"));
  copyFileSync(join(repoRoot, "examples/policy.yaml"), join(dir, "policy.yaml"));
  writeFileSync(join(dir, "README.md"), "sample\n");
  git("add", "-A");
  git("commit", "-qm", "sample");
  return dir;
}

function tryRepo(dir: string, hook: string, extra: string[] = []) {
  const bin = portcullisShim();
  const r = spawnSync("pre-commit", ["try-repo", repoRoot, hook, "--all-files", "--verbose", ...extra], {
    cwd: dir,
    encoding: "utf8",
    env: {
      ...process.env,
      PATH: `${bin}:${process.env.PATH}`,
      PRE_COMMIT_HOME: join(dir, ".pre-commit-cache"),
      NO_COLOR: "1",
    },
    timeout: 120_000,
  });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
}

describe("pre-commit hooks (.pre-commit-hooks.yaml) with the real pre-commit", { skip }, () => {
  test("lint dockerfile hook fails on a Dockerfile with findings and names the rule", () => {
    const dir = sampleRepo();
    const r = tryRepo(dir, "portcullis-lint-dockerfile");
    assert.notEqual(r.code, 0, r.out);
    assert.match(r.out, /portcullis lint dockerfile\.+Failed/);
    assert.match(r.out, /dockerfile-[a-z-]+/);
  });

  test("lint dockerfile hook passes on the fixed Dockerfile", () => {
    const dir = sampleRepo();
    copyFileSync(join(repoRoot, "examples/docker/Dockerfile.fixed"), join(dir, "Dockerfile"));
    execFileSync("git", ["commit", "-qam", "fix"], { cwd: dir });
    const r = tryRepo(dir, "portcullis-lint-dockerfile");
    assert.equal(r.code, 0, r.out);
    assert.match(r.out, /portcullis lint dockerfile\.+Passed/);
  });

  test("lint k8s hook fails on the example manifest and reports image-tag-latest", () => {
    const r = tryRepo(sampleRepo(), "portcullis-lint-k8s");
    assert.notEqual(r.code, 0, r.out);
    assert.match(r.out, /image-tag-latest/);
  });

  test("check hook takes the policy from args and fails like the webhook would deny", () => {
    const dir = sampleRepo();
    const bin = portcullisShim();
    // try-repo does not read args from the config; run the hook as a user would, via `run`,
    // against a snapshot commit of this checkout (pre-commit clones repo@rev).
    const head = execFileSync("git", ["rev-parse", "HEAD"], { cwd: repoRoot, encoding: "utf8" }).trim();
    writeFileSync(
      join(dir, ".pre-commit-config.yaml"),
      `repos:\n- repo: ${repoRoot}\n  rev: ${head}\n  hooks:\n  - id: portcullis-check\n    args: [--policy, policy.yaml]\n    exclude: ^policy\\.yaml$\n`,
    );
    const r = spawnSync("pre-commit", ["run", "portcullis-check", "--all-files", "--verbose"], {
      cwd: dir,
      encoding: "utf8",
      env: {
        ...process.env,
        PATH: `${bin}:${process.env.PATH}`,
        PRE_COMMIT_HOME: join(dir, ".pc"),
        NO_COLOR: "1",
      },
      timeout: 120_000,
    });
    const out = `${r.stdout}${r.stderr}`;
    assert.notEqual(r.status, 0, out);
    assert.match(out, /portcullis check \(policy\)\.+Failed/);
    assert.match(out, /image-/);
  });
});
