/**
 * `portcullis pin` must not lose data or report a pin it did not write (issue 14 items 8-10 and
 * issue 15 item 2). Reference behaviours: GNU `sed -i --follow-symlinks` writes through a link
 * to its target; an in-place rewrite keeps an inode's hard links; `cp`/editors keep a UTF-8 BOM;
 * BuildKit pulls the image named by `COPY --from=<image>` and `RUN --mount=…,from=<image>`;
 * Kubernetes pulls `spec.volumes[].image.reference` (image volumes).
 */
import assert from "node:assert/strict";
import { spawn } from "node:child_process";
import {
  chmodSync,
  linkSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { findDockerfileImages } from "../../src/pin/find-dockerfile.js";
import { findYamlImages } from "../../src/pin/find-yaml.js";
import { RegistryClient } from "../../src/registry/client.js";
import { tempDir } from "../registry/temp-dir.js";
import { pushImage } from "../registry/test-images.js";
import { type RegistryServer, SKIP_NO_DOCKER_REGISTRY, startRegistry } from "../support/registry-server.js";
import { repoRoot } from "../support/shared.js";

const noCreds = { lookup: async () => undefined };

function cli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
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
  child.stdin.end("");
  return new Promise((resolve) => child.on("close", (code) => resolve({ code, stdout, stderr })));
}

const statuses = (stdout: string) =>
  (JSON.parse(stdout) as { images: { status: string; where: string; line: number }[] }).images;

const DOCKERFILE_IMAGES = (reg: string) =>
  [
    `FROM ${reg}/pin/app:1.0 AS build`,
    "FROM build AS again",
    `COPY --from=${reg}/pin/sidecar:latest /bin/tool /bin/tool`,
    "COPY --from=build /x /x",
    "COPY --from=0 /y /y",
    `RUN --mount=type=bind,from=${reg}/pin/app:1.0,source=/etc,target=/mnt true`,
    "RUN --mount=type=cache,target=/root/.cache,from=build true",
    "",
  ].join("\n");

describe("image sites pin finds (no network)", () => {
  it("COPY --from=<image> and RUN --mount=…,from=<image> are images; stage names and indexes are not", () => {
    const text = DOCKERFILE_IMAGES("r.example:5000");
    const { sites, problems } = findDockerfileImages(text, "Dockerfile");
    assert.deepEqual(problems, []);
    assert.deepEqual(
      sites.map((s) => [s.line, s.where, s.image, s.skip ?? ""]),
      [
        [1, "FROM (stage build)", "r.example:5000/pin/app:1.0", ""],
        [3, "COPY --from (stage again)", "r.example:5000/pin/sidecar:latest", ""],
        [6, "RUN --mount from (stage again)", "r.example:5000/pin/app:1.0", ""],
      ],
    );
    for (const s of sites) assert.equal(text.slice(s.start, s.end), s.image, "the span is the image text");
  });

  it("a Dockerfile with a BOM gives spans in the text as read (BOM excluded)", () => {
    const text = "\uFEFFFROM r.example/app:1.0\n";
    const [site] = findDockerfileImages(text, "Dockerfile").sites;
    assert.equal(text.slice(site.start, site.end), "r.example/app:1.0");
  });

  it("spec.volumes[].image.reference is an image (Kubernetes image volumes)", () => {
    const text = [
      "apiVersion: v1",
      "kind: Pod",
      "metadata: { name: p }",
      "spec:",
      "  containers:",
      "  - name: app",
      "    image: r.example/app:1.0",
      "  volumes:",
      "  - name: models",
      "    image:",
      '      reference: "r.example/models:v2"',
      "      pullPolicy: IfNotPresent",
      "  - name: cfg",
      "    configMap: { name: cfg }",
      "",
    ].join("\n");
    const { sites } = findYamlImages(text, "p.yaml");
    assert.deepEqual(
      sites.map((s) => [s.line, s.where, s.image, s.quote]),
      [
        [7, "Pod/p container app", "r.example/app:1.0", ""],
        [11, "Pod/p image volume models", "r.example/models:v2", '"'],
      ],
    );
  });

  it("--check reports COPY --from, RUN --mount from and image volumes as unpinned (exit 1)", async () => {
    const dir = tempDir("pc-pin-sites-");
    writeFileSync(join(dir, "Dockerfile"), DOCKERFILE_IMAGES("unreachable.invalid:5000"));
    writeFileSync(
      join(dir, "pod.yaml"),
      "kind: Pod\nmetadata: {name: p}\nspec:\n  volumes:\n  - name: m\n    image: {reference: unreachable.invalid:5000/m:1}\n",
    );
    const r = await cli(["pin", "--check", "-f", "json", dir]);
    assert.equal(r.code, 1, r.stderr);
    assert.deepEqual(
      statuses(r.stdout).map((i) => [i.where, i.status]),
      [
        ["FROM (stage build)", "unpinned"],
        ["COPY --from (stage again)", "unpinned"],
        ["RUN --mount from (stage again)", "unpinned"],
        ["Pod/p image volume m", "unpinned"],
      ],
    );
  });
});

describe("pin writes files safely (real registry)", { skip: SKIP_NO_DOCKER_REGISTRY }, () => {
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
  const pod = () => `kind: Pod\nspec:\n  containers:\n  - name: a\n    image: ${reg.address}/pin/app:1.0\n`;
  const pinnedPod = () => pod().replace(":1.0\n", `:1.0@${appDigest}\n`);

  it("pin writes through a symlink to its target and keeps the link", async () => {
    const dir = tempDir("pc-pin-link-");
    mkdirSync(join(dir, "real"));
    writeFileSync(join(dir, "real", "pod.yaml"), pod());
    symlinkSync(join("real", "pod.yaml"), join(dir, "pod.yaml"));
    const r = await cli(["pin", "-f", "json", join(dir, "pod.yaml")]);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(lstatSync(join(dir, "pod.yaml")).isSymbolicLink(), "still a symlink");
    assert.equal(readlinkSync(join(dir, "pod.yaml")), join("real", "pod.yaml"));
    assert.equal(readFileSync(join(dir, "real", "pod.yaml"), "utf8"), pinnedPod());
    assert.deepEqual(
      readdirSync(join(dir, "real")),
      ["pod.yaml"],
      "temporary file made beside the target, and gone",
    );
  });

  it("pin keeps hard links intact (every name sees the pinned text)", async () => {
    const dir = tempDir("pc-pin-hard-");
    writeFileSync(join(dir, "a.yaml"), pod());
    linkSync(join(dir, "a.yaml"), join(dir, "b.txt"));
    const ino = statSync(join(dir, "a.yaml")).ino;
    const r = await cli(["pin", "-f", "json", join(dir, "a.yaml")]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(statSync(join(dir, "a.yaml")).ino, ino, "same inode");
    assert.equal(statSync(join(dir, "a.yaml")).nlink, 2);
    assert.equal(readFileSync(join(dir, "b.txt"), "utf8"), pinnedPod());
    assert.deepEqual(readdirSync(dir).sort(), ["a.yaml", "b.txt"]);
  });

  it("pin reports failed and exits 3 when the temporary file cannot be created (nothing counted as pinned)", async () => {
    const dir = tempDir("pc-pin-tmp-");
    // The name fits NAME_MAX but `.<name>.portcullis-….tmp` does not: creating the temporary
    // file fails with ENAMETOOLONG, even as root.
    const file = join(dir, `${"p".repeat(240)}.yaml`);
    writeFileSync(file, pod());
    const r = await cli(["pin", "-f", "json", file]);
    assert.equal(r.code, 3, r.stderr);
    const [img] = statuses(r.stdout) as { status: string; message?: string }[];
    assert.equal(img.status, "failed");
    assert.match(img.message ?? "", /cannot create a temporary file in .*: file name too long/);
    assert.equal(JSON.parse(r.stdout).summary.pinned, undefined, "not counted as pinned");
    assert.equal(readFileSync(file, "utf8"), pod(), "unchanged");
  });

  it("pin reports failed and exits 3 when the directory is not writable", {
    skip: process.getuid?.() === 0 ? "root can write into a mode 0555 directory" : false,
  }, async () => {
    const dir = tempDir("pc-pin-ro-dir-");
    mkdirSync(join(dir, "d"));
    writeFileSync(join(dir, "d", "pod.yaml"), pod());
    chmodSync(join(dir, "d"), 0o555);
    try {
      const r = await cli(["pin", "-f", "json", join(dir, "d", "pod.yaml")]);
      assert.equal(r.code, 3, r.stderr);
      assert.equal(statuses(r.stdout)[0].status, "failed");
    } finally {
      chmodSync(join(dir, "d"), 0o755);
    }
  });

  it("pin refuses a read-only file (mode 0444) unless --force, and keeps its mode with --force", async () => {
    const dir = tempDir("pc-pin-ro-");
    const file = join(dir, "pod.yaml");
    writeFileSync(file, pod());
    chmodSync(file, 0o444);
    const r = await cli(["pin", "-f", "json", file]);
    assert.equal(r.code, 2, r.stderr);
    assert.equal(readFileSync(file, "utf8"), pod(), "unchanged");
    assert.equal(statuses(r.stdout)[0].status, "skipped");
    assert.match(r.stderr, /is read-only \(mode 0444\): not rewritten; pass --force/);
    const forced = await cli(["pin", "--force", "-f", "json", file]);
    assert.equal(forced.code, 0, forced.stderr);
    assert.equal(readFileSync(file, "utf8"), pinnedPod());
    assert.equal(statSync(file).mode & 0o777, 0o444, "mode kept");
  });

  it("pin keeps a UTF-8 byte-order mark", async () => {
    const dir = tempDir("pc-pin-bom-");
    const file = join(dir, "Dockerfile");
    writeFileSync(file, `\uFEFFFROM ${reg.address}/pin/app:1.0\n`);
    const r = await cli(["pin", "-f", "json", file]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(readFileSync(file, "utf8"), `\uFEFFFROM ${reg.address}/pin/app:1.0@${appDigest}\n`);
  });

  it("pin rewrites COPY --from=<image>, RUN --mount from=<image> and image volume references", async () => {
    const dir = tempDir("pc-pin-more-");
    writeFileSync(join(dir, "Dockerfile"), DOCKERFILE_IMAGES(reg.address));
    const vol = `kind: Pod\nspec:\n  volumes:\n  - name: m\n    image:\n      reference: ${reg.address}/pin/sidecar\n`;
    writeFileSync(join(dir, "pod.yaml"), vol);
    const r = await cli(["pin", "-f", "json", dir]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      readFileSync(join(dir, "Dockerfile"), "utf8"),
      DOCKERFILE_IMAGES(reg.address)
        .replace(`app:1.0 AS build`, `app:1.0@${appDigest} AS build`)
        .replace(`sidecar:latest /bin`, `sidecar:latest@${sidecarDigest} /bin`)
        .replace(`app:1.0,source`, `app:1.0@${appDigest},source`),
    );
    assert.equal(
      readFileSync(join(dir, "pod.yaml"), "utf8"),
      vol.replace("pin/sidecar\n", `pin/sidecar:latest@${sidecarDigest}\n`),
    );
  });
});
