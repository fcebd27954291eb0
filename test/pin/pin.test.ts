/**
 * `portcullis pin` against a real docker-registry: golden files (only the image strings change,
 * comments, quotes and layout stay), --check without network, --dry-run diffs that `patch`
 * applies, --verify drift, stdin, partial failures and atomic replacement.
 */

import assert from "node:assert/strict";
import { spawn, spawnSync } from "node:child_process";
import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { findDockerfileImages } from "../../src/pin/find-dockerfile.js";
import { findYamlImages } from "../../src/pin/find-yaml.js";
import { unifiedDiff } from "../../src/pin/unified-diff.js";
import { RegistryClient } from "../../src/registry/client.js";
import { tempDir } from "../registry/temp-dir.js";
import { pushImage } from "../registry/test-images.js";
import { type RegistryServer, SKIP_NO_DOCKER_REGISTRY, startRegistry } from "../support/registry-server.js";
import { repoRoot } from "../support/shared.js";

const fixtures = join(repoRoot, "test", "fixtures", "pin");
const noCreds = { lookup: async () => undefined };

function cli(args: string[], input = ""): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, ["--import", "tsx", join(repoRoot, "src/cli/main.ts"), ...args], {
    cwd: repoRoot,
    env: { ...process.env, NO_COLOR: "1" },
  });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => {
    stdout += d.toString();
  });
  child.stderr.on("data", (d: Buffer) => {
    stderr += d.toString();
  });
  child.stdin.end(input);
  return new Promise((resolve) => child.on("close", (code) => resolve({ code, stdout, stderr })));
}

describe("image finders (no network)", () => {
  it("finds every container image in every workload kind, and nothing else", () => {
    const text = readFileSync(join(fixtures, "workloads.input.yaml"), "utf8");
    const { sites, problems } = findYamlImages(text, "w.yaml");
    assert.deepEqual(problems, []);
    assert.deepEqual(
      sites.map((s) => [s.line, s.where]),
      [
        [14, "Deployment/web initContainer migrate"],
        [16, "Deployment/web container app"],
        [21, "Deployment/web container sidecar"],
        [23, "Deployment/web container already"],
        [38, "CronJob/nightly container job"],
        [47, "Pod/debug container shell"],
        [50, "Pod/debug ephemeralContainer dbg"],
      ],
    );
    for (const s of sites) assert.equal(text.slice(s.start, s.end).replace(/^["']|["']$/g, ""), s.image);
  });

  it("Dockerfile: FROM images, skipping ARG images, stages and scratch", () => {
    const text = readFileSync(join(fixtures, "Dockerfile.input"), "utf8");
    const { sites } = findDockerfileImages(text, "Dockerfile");
    assert.deepEqual(
      sites.map((s) => [s.line, s.image, s.skip ?? ""]),
      [
        [3, "REGISTRY/pin/app:1.0", ""],
        [6, "$" + "{BASE}", "built from an ARG value"],
        [10, "REGISTRY/pin/sidecar", ""],
      ],
    );
  });

  it("YAML syntax errors name the file and line", () => {
    const { problems } = findYamlImages("a: b\n  c: [\n", "bad.yaml");
    assert.equal(problems.length, 1);
    assert.equal(problems[0].file, "bad.yaml");
    assert.equal(problems[0].line, 1);
    assert.match(problems[0].message, /^YAML: /);
  });

  it("unified diff: same-length texts give hunks with context", () => {
    const a = ["1", "2", "3", "4", "5", "6", "7", "8", "9", "10"].join("\n");
    const b = a.replace("5", "five");
    assert.equal(
      unifiedDiff(a, b, "a/x", "b/x"),
      "--- a/x\n+++ b/x\n@@ -2,7 +2,7 @@\n 2\n 3\n 4\n-5\n+five\n 6\n 7\n 8\n",
    );
  });

  it("--check needs no network and exits 1 listing unpinned images", async () => {
    const dir = tempDir("pc-pin-check-");
    const file = join(dir, "w.yaml");
    const text = readFileSync(join(fixtures, "workloads.input.yaml"), "utf8").replaceAll(
      "REGISTRY",
      "unreachable.invalid:5000",
    );
    writeFileSync(file, text);
    const r = await cli(["pin", "--check", "-f", "json", file]);
    assert.equal(r.code, 1, r.stderr);
    const report = JSON.parse(r.stdout);
    assert.equal(report.images.filter((i: { status: string }) => i.status === "unpinned").length, 6);
    assert.equal(report.images.filter((i: { status: string }) => i.status === "already-pinned").length, 1);
    assert.equal(readFileSync(file, "utf8"), text);
  });
});

describe("pin against a real registry", { skip: SKIP_NO_DOCKER_REGISTRY }, () => {
  let reg: RegistryServer;
  let client: RegistryClient;
  let appDigest: string;
  let sidecarDigest: string;
  before(async () => {
    reg = await startRegistry();
    client = new RegistryClient({ credentials: noCreds });
    appDigest = (await pushImage(client, `${reg.address}/pin/app`, "1.0")).digest;
    sidecarDigest = (await pushImage(client, `${reg.address}/pin/sidecar`, "latest")).digest;
  });
  after(async () => {
    await client?.close();
    await reg?.stop();
  });

  const fill = (text: string) =>
    text
      .replaceAll("REGISTRY", reg.address)
      .replaceAll("APP_DIGEST", appDigest)
      .replaceAll("SIDECAR_DIGEST", sidecarDigest);

  function workdir(): string {
    const dir = tempDir("pc-pin-");
    for (const f of ["workloads.input.yaml", "Dockerfile.input"]) {
      writeFileSync(
        join(dir, f === "Dockerfile.input" ? "Dockerfile" : "workloads.yaml"),
        fill(readFileSync(join(fixtures, f), "utf8")),
      );
    }
    return dir;
  }

  it("golden: a manifest with comments changes only in its image strings", async () => {
    const dir = workdir();
    chmodSync(join(dir, "workloads.yaml"), 0o640);
    const before = readFileSync(join(dir, "workloads.yaml"), "utf8");
    const r = await cli(["pin", "-f", "json", dir]);
    assert.equal(r.code, 0, r.stderr);
    const after = readFileSync(join(dir, "workloads.yaml"), "utf8");
    assert.equal(after, fill(readFileSync(join(fixtures, "workloads.golden.yaml"), "utf8")));
    assert.equal(
      readFileSync(join(dir, "Dockerfile"), "utf8"),
      fill(readFileSync(join(fixtures, "Dockerfile.golden"), "utf8")),
    );
    // line by line: every changed line is an image line and differs only by the inserted digest part
    const a = before.split("\n");
    const b = after.split("\n");
    assert.equal(a.length, b.length);
    let changed = 0;
    for (let i = 0; i < a.length; i++) {
      if (a[i] === b[i]) continue;
      changed++;
      assert.match(a[i], /image: /);
      const stripped = b[i].replace(/@sha256:[0-9a-f]{64}/, "");
      assert.ok(stripped === a[i] || stripped.replace(":latest", "") === a[i], `${a[i]} -> ${b[i]}`);
    }
    assert.equal(changed, 6);
    assert.equal(statSync(join(dir, "workloads.yaml")).mode & 0o777, 0o640, "mode kept");
    assert.deepEqual(readdirSync(dir).sort(), ["Dockerfile", "workloads.yaml"], "no temporary files left");
    const report = JSON.parse(r.stdout);
    assert.equal(report.images.filter((i: { status: string }) => i.status === "pinned").length, 8);
    // a second run has nothing to do
    const again = await cli(["pin", "--check", dir]);
    assert.equal(again.code, 0, again.stdout);
  });

  it("--dry-run prints a diff that patch applies, and writes nothing", async () => {
    const dir = workdir();
    const original = readFileSync(join(dir, "workloads.yaml"), "utf8");
    const r = await cli(["pin", "--dry-run", join(dir, "workloads.yaml")]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(readFileSync(join(dir, "workloads.yaml"), "utf8"), original);
    assert.match(r.stdout, /^--- a\//);
    const copy = join(dir, "copy.yaml");
    copyFileSync(join(dir, "workloads.yaml"), copy);
    const p = spawnSync("patch", [copy], { input: r.stdout, encoding: "utf8" });
    assert.equal(p.status, 0, p.stdout + p.stderr);
    assert.equal(
      readFileSync(copy, "utf8"),
      fill(readFileSync(join(fixtures, "workloads.golden.yaml"), "utf8")),
    );
  });

  it("stdin: the pinned document on stdout", async () => {
    const input = `apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: a # keep\n    image: ${reg.address}/pin/app:1.0\n`;
    const r = await cli(["pin", "-q", "-"], input);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, input.replace(":1.0\n", `:1.0@${appDigest}\n`));
  });

  it("--verify reports drift when a pinned tag moves (exit 1)", async () => {
    const dir = tempDir("pc-pin-drift-");
    const file = join(dir, "pod.yaml");
    const old = (await pushImage(client, `${reg.address}/pin/moving`, "1", { content: "first" })).digest;
    writeFileSync(
      file,
      `kind: Pod\nspec:\n  containers:\n  - name: a\n    image: ${reg.address}/pin/moving:1@${old}\n`,
    );
    const ok = await cli(["pin", "--verify", "--check", "-f", "json", file]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal(JSON.parse(ok.stdout).images[0].status, "verified");
    const moved = (await pushImage(client, `${reg.address}/pin/moving`, "1", { content: "second" })).digest;
    const r = await cli(["pin", "--verify", "--check", "-f", "json", file]);
    assert.equal(r.code, 1, r.stderr);
    const img = JSON.parse(r.stdout).images[0];
    assert.equal(img.status, "drift");
    assert.equal(img.digest, old);
    assert.equal(img.current, moved);
  });

  it("a registry failure leaves that image alone, pins the rest, exits 3 naming the registry", async () => {
    const dir = tempDir("pc-pin-fail-");
    mkdirSync(join(dir, "k8s"));
    const file = join(dir, "k8s", "pod.yaml");
    const text = `kind: Pod\nspec:\n  containers:\n  - name: a\n    image: ${reg.address}/pin/app:1.0\n  - name: b\n    image: ${reg.address}/pin/missing:9\n`;
    writeFileSync(file, text);
    writeFileSync(join(dir, "k8s", "broken.yaml"), "kind: Pod\nspec: [\n");
    const r = await cli(["pin", "-f", "json", dir]);
    assert.equal(r.code, 3, r.stderr);
    assert.match(r.stderr, new RegExp(`registry ${reg.address}: resolve pin/missing:9: manifest unknown`));
    assert.match(r.stderr, /broken\.yaml:\d+:\d+: YAML: /);
    assert.equal(readFileSync(file, "utf8"), text.replace("app:1.0\n", `app:1.0@${appDigest}\n`));
  });
});
