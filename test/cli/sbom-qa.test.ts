import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import { writeOciLayout } from "../image/build-layout.js";
import { runCli } from "../support/cli.js";

const APK = (arch: string, pkg: string) => [
  { name: "etc/os-release", content: "ID=alpine\nVERSION_ID=3.20.0\n" },
  { name: "lib/apk/db/installed", content: `P:${pkg}\nV:1.0-r0\nA:${arch}\nL:MIT\n\n` },
];

/** A two-platform OCI layout: linux/amd64 holds package only-amd64, linux/arm64 only-arm64. */
async function multiPlatformLayout(): Promise<string> {
  const dir = mkdtempSync(join(tmpdir(), "portcullis-sbom-qa-"));
  const entries = [];
  for (const [arch, apkArch] of [
    ["amd64", "x86_64"],
    ["arm64", "aarch64"],
  ]) {
    await writeOciLayout(dir, [APK(apkArch, `only-${arch}`)]);
    const index = JSON.parse(readFileSync(join(dir, "index.json"), "utf8"));
    entries.push({
      ...index.manifests[0],
      annotations: undefined,
      platform: { os: "linux", architecture: arch },
    });
  }
  writeFileSync(join(dir, "index.json"), JSON.stringify({ schemaVersion: 2, manifests: entries }));
  return dir;
}

describe("sbom shares the registry and platform flags of the other verbs", () => {
  let layout: string;
  before(async () => {
    layout = await multiPlatformLayout();
  });

  it("--platform linux/aarch64 picks the arm64 image, as it does in resolve (one platform module)", async () => {
    for (const platform of ["linux/aarch64", "linux/arm64"]) {
      const r = await runCli(["sbom", `oci:${layout}`, "--platform", platform, "-f", "json", "-q"]);
      assert.equal(r.code, 0, r.stderr);
      const names = JSON.parse(r.stdout).packages.map((p: { name: string }) => p.name);
      assert.deepEqual(names, ["only-arm64"], platform);
    }
    const amd = await runCli(["sbom", `oci:${layout}`, "--platform", "linux/x86_64", "-f", "json", "-q"]);
    assert.equal(amd.code, 0, amd.stderr);
    assert.deepEqual(
      JSON.parse(amd.stdout).packages.map((p: { name: string }) => p.name),
      ["only-amd64"],
    );
  });

  it("--insecure-registry takes one host and leaves the image argument alone", async () => {
    const r = await runCli([
      "sbom",
      "--insecure-registry",
      "registry.test:5000",
      `oci:${layout}`,
      "--platform",
      "linux/arm64",
      "-f",
      "json",
      "-q",
    ]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).packages.length, 1);
  });

  it("has --pull-secret and --timeout, and checks them like the other registry verbs", async () => {
    const help = await runCli(["sbom", "--help"]);
    for (const flag of [
      "--pull-secret <file>",
      "--timeout <duration>",
      "--insecure-registry <host>",
      "--ca-file",
    ])
      assert.ok(help.stdout.includes(flag), `sbom --help lacks ${flag}`);
    const bad = await runCli(["sbom", `oci:${layout}`, "--timeout", "soon"]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--timeout: invalid duration "soon"/);
    const missing = await runCli(["sbom", `oci:${layout}`, "--pull-secret", join(layout, "nope.yaml")]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /nope\.yaml/);
  });

  it("an unknown platform is exit 2 naming the flag", async () => {
    const r = await runCli(["sbom", `oci:${layout}`, "--platform", "linux"]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--platform: invalid platform "linux"/);
  });
});

describe("sbom table", () => {
  const longName = `libvery-long-package-name-${"x".repeat(70)}`;
  let image: string;
  before(async () => {
    const dir = mkdtempSync(join(tmpdir(), "portcullis-sbom-table-"));
    await writeOciLayout(dir, [
      [
        {
          name: "etc/os-release",
          content: 'ID=alpine\nVERSION_ID=3.20.0\nPRETTY_NAME="Alpine Linux v3.20"\n',
        },
        {
          name: "lib/apk/db/installed",
          content: `P:musl\nV:1.2.5-r0\nA:x86_64\nL:MIT\n\nP:${longName}\nV:1.0.0-r${"9".repeat(40)}\nA:x86_64\nL:MIT\n\n`,
        },
      ],
    ]);
    image = `oci:${dir}`;
  });

  it("shows NAME, VERSION and TYPE by default, like Syft, in lines of at most 100 columns", async () => {
    const r = await runCli(["sbom", image, "-f", "table", "-q"]);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trimEnd().split("\n");
    assert.ok(lines.some((l) => /NAME\s+.*VERSION\s+.*TYPE/.test(l)));
    assert.doesNotMatch(r.stdout, /LOCATION|LICENSES|lib\/apk\/db\/installed/);
    assert.match(r.stdout, /musl\s+.*1\.2\.5-r0\s+.*apk/);
    for (const l of lines) assert.ok([...l].length <= 100, `${[...l].length} columns: ${l}`);
  });

  it("--wide adds the licenses and the location, with names in full", async () => {
    const r = await runCli(["sbom", image, "-f", "table", "--wide", "-q"]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /LICENSES/);
    assert.match(r.stdout, /LOCATION/);
    assert.match(r.stdout, /lib\/apk\/db\/installed \[layer 1\]/);
    assert.ok(r.stdout.includes(longName));
  });
});
