/**
 * `resolve` agrees with skopeo (an independent client, containers/image) on the digests of a
 * single-platform image and of a multi-platform OCI index, pushed by our client to a real
 * docker-registry; and on the pre-built images of the shared registry environment.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { RegistryClient } from "../../src/registry/client.js";
import { registryEnv, SKIP_NO_REGISTRY_ENV } from "../support/registry-env.js";
import { type RegistryServer, SKIP_NO_DOCKER_REGISTRY, startRegistry } from "../support/registry-server.js";
import { repoRoot } from "../support/shared.js";
import { pushImage, pushIndex } from "./test-images.js";

const SKIP_NO_SKOPEO = existsSync("/usr/bin/skopeo") ? undefined : "skipped: skopeo not installed";
const skip = SKIP_NO_DOCKER_REGISTRY ?? SKIP_NO_SKOPEO;
const noCreds = { lookup: async () => undefined };

function skopeo(args: string[]): string {
  return execFileSync("skopeo", args, { encoding: "utf8", timeout: 60_000 });
}

function cliResolve(args: string[]): {
  images: { input: string; digest: string; platformDigest?: string }[];
} {
  const out = execFileSync(
    process.execPath,
    ["--import", "tsx", join(repoRoot, "src/cli/main.ts"), "resolve", "-f", "json", ...args],
    {
      encoding: "utf8",
      cwd: repoRoot,
    },
  );
  return JSON.parse(out);
}

describe("resolve agrees with skopeo inspect", { skip }, () => {
  let reg: RegistryServer;
  let client: RegistryClient;
  before(async () => {
    reg = await startRegistry();
    client = new RegistryClient({ credentials: noCreds });
  });
  after(async () => {
    await client?.close();
    await reg?.stop();
  });

  it("single-platform image", async () => {
    const img = await pushImage(client, `${reg.address}/sk/single`, "1.0");
    const theirs = skopeo([
      "inspect",
      "--tls-verify=false",
      "--format",
      "{{.Digest}}",
      `docker://${reg.address}/sk/single:1.0`,
    ]).trim();
    const ours = cliResolve([`${reg.address}/sk/single:1.0`]).images[0].digest;
    assert.equal(ours, theirs);
    assert.equal(ours, img.digest);
  });

  it("multi-platform OCI index, and the per-platform manifest", async () => {
    const idx = await pushIndex(client, `${reg.address}/sk/multi`, "3.0");
    const ref = `${reg.address}/sk/multi:3.0`;
    const theirs = skopeo([
      "inspect",
      "--tls-verify=false",
      "--format",
      "{{.Digest}}",
      `docker://${ref}`,
    ]).trim();
    const raw = Buffer.from(skopeo(["inspect", "--tls-verify=false", "--raw", `docker://${ref}`]));
    assert.equal(`sha256:${createHash("sha256").update(raw).digest("hex")}`, theirs);
    const ours = cliResolve(["--platform", "linux/arm64", ref]).images[0];
    assert.equal(ours.digest, theirs);
    assert.equal(ours.digest, idx.digest);
    // skopeo, told to pick arm64, inspects the same platform manifest we chose
    const arch = skopeo([
      "--override-arch",
      "arm64",
      "inspect",
      "--tls-verify=false",
      "--format",
      "{{.Architecture}}",
      `docker://${reg.address}/sk/multi@${ours.platformDigest}`,
    ]).trim();
    assert.equal(arch, "arm64");
    const platformRaw = Buffer.from(
      skopeo([
        "inspect",
        "--tls-verify=false",
        "--raw",
        `docker://${reg.address}/sk/multi@${ours.platformDigest}`,
      ]),
    );
    assert.equal(`sha256:${createHash("sha256").update(platformRaw).digest("hex")}`, ours.platformDigest);
  });
});

describe("resolve agrees with skopeo on the shared registry environment", {
  skip: SKIP_NO_SKOPEO ?? (registryEnv ? undefined : SKIP_NO_REGISTRY_ENV),
}, () => {
  for (const tag of [
    "portcullis/alpine:3.18",
    "portcullis/alpine:3.18-multi",
    "portcullis/app:1.0",
    "portcullis/app:1.0-docker",
  ]) {
    it(tag, () => {
      const ref = `${registryEnv?.plain}/${tag}`;
      const theirs = skopeo([
        "inspect",
        "--tls-verify=false",
        "--format",
        "{{.Digest}}",
        `docker://${ref}`,
      ]).trim();
      assert.equal(cliResolve([ref]).images[0].digest, theirs);
    });
  }
});
