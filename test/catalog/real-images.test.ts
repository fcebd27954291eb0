/**
 * Catalogers on the real images built by the registry test environment (debootstrap'd Debian,
 * Alpine apk db, the app image with node_modules, Python dist-info/egg-info and a Go binary):
 * dpkg packages equal `dpkg-query -W` on the same root filesystem, the Go binary's modules
 * equal `go version -m`, and the registry source reads the same as the OCI layout.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createReadStream, existsSync } from "node:fs";
import { join } from "node:path";
import { describe, test } from "node:test";
import { scanGoBuildInfo } from "../../src/catalog/go-binary.js";
import { catalogImage } from "../../src/catalog/index.js";
import { registryEnv, SKIP_NO_REGISTRY_ENV } from "../support/registry-env.js";

const env = registryEnv;
const skip = env ? false : SKIP_NO_REGISTRY_ENV;
const cache = env ? join(env.dir, "cache") : "";

function has(cmd: string): boolean {
  try {
    execFileSync(cmd, ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    try {
      execFileSync(cmd, ["version"], { stdio: "ignore" });
      return true;
    } catch {
      return false;
    }
  }
}

describe("real images", { skip }, () => {
  test("Debian: dpkg packages equal dpkg-query -W on the same rootfs", async (t) => {
    const rootfs = join(cache, "rootfs-debian");
    if (!existsSync(join(rootfs, "var/lib/dpkg/status"))) return t.skip("cached Debian rootfs absent");
    if (!has("dpkg-query")) return t.skip("dpkg-query not installed");
    const want = execFileSync("dpkg-query", ["-W", `--admindir=${rootfs}/var/lib/dpkg`], { encoding: "utf8" })
      .trim()
      .split("\n")
      .map((l) => {
        const [name, version] = l.split("\t");
        return `${name.replace(/:[a-z0-9]+$/, "")} ${version}`;
      })
      .sort();
    assert.ok(want.length > 50, `dpkg-query listed ${want.length} packages`);
    for (const source of [`oci:${env?.ociLayout}:debian`, `dir:${rootfs}`]) {
      const r = await catalogImage(source);
      const got = r.packages
        .filter((p) => p.type === "deb")
        .map((p) => `${p.name} ${p.version}`)
        .sort();
      assert.deepEqual(got, want, source);
      assert.equal(r.os?.family, "debian");
      assert.equal(r.os?.version, "12");
      const bash = r.packages.find((p) => p.name === "bash");
      assert.match(bash?.purl ?? "", /^pkg:deb\/debian\/bash@[^?]+\?arch=amd64&distro=debian-12/);
      assert.ok((bash?.licenses.length ?? 0) > 0, "licenses from usr/share/doc/bash/copyright");
      const libc = r.packages.find((p) => p.name === "libc6");
      assert.equal(libc?.source?.name, "glibc");
    }
  });

  test("Alpine: apk packages with origin and distro qualifier", async () => {
    const r = await catalogImage(`oci:${env?.ociLayout}:alpine`);
    assert.equal(r.packages.length, 15);
    assert.equal(r.os?.family, "alpine");
    const ssl = r.packages.find((p) => p.name === "libssl3");
    assert.equal(ssl?.version, "3.1.2-r0");
    assert.equal(ssl?.source?.name, "openssl");
    assert.equal(
      ssl?.purl,
      "pkg:apk/alpine/libssl3@3.1.2-r0?arch=x86_64&distro=alpine-3.18.3&upstream=openssl",
    );
    assert.deepEqual(ssl?.licenses, ["Apache-2.0"]);
  });

  test("Go binary: modules equal `go version -m`", async (t) => {
    const bin = join(cache, "go-hello", "hello");
    if (!existsSync(bin)) return t.skip("cached Go binary absent");
    if (!has("go")) return t.skip("go not installed: cannot run `go version -m`");
    const out = execFileSync("go", ["version", "-m", bin], { encoding: "utf8" });
    const lines = out.split("\n").map((l) => l.trim().split("\t"));
    const goVersion = out.split("\n")[0].split(": ")[1].trim();
    const deps = lines.filter((f) => f[0] === "dep").map((f) => `${f[1]}@${f[2]}`);
    const mod = lines.find((f) => f[0] === "mod");
    const info = await scanGoBuildInfo(createReadStream(bin, { highWaterMark: 64 << 10 }));
    assert.ok(info, "build info found");
    assert.equal(info.goVersion, goVersion);
    assert.deepEqual(
      info.deps.map((d) => `${d.path}@${d.version}`),
      deps,
    );
    assert.equal(info.main?.path, mod?.[1]);
    assert.equal(info.settings.GOOS, "linux");

    // and inside the app image, via the cataloger
    const r = await catalogImage(`oci:${env?.ociLayout}:app`);
    const golang = r.packages.filter((p) => p.type === "golang");
    for (const d of deps)
      assert.ok(
        golang.some((p) => `${p.name}@${p.version}` === d),
        d,
      );
    const stdlib = golang.find((p) => p.name === "stdlib");
    assert.equal(stdlib?.version, goVersion.replace(/^go/, "v"));
    assert.equal(stdlib?.locations[0].path, "/usr/local/bin/hello");
  });

  test("app image: npm, Python, whiteout of /app/.env, config", async () => {
    const r = await catalogImage(`oci:${env?.ociLayout}:app`);
    const npm = r.packages.filter((p) => p.type === "npm");
    assert.ok(npm.some((p) => p.name === "express" && p.version === "4.17.1"));
    assert.ok(
      npm.some((p) => p.name === "ms" && p.version === "2.1.1"),
      "nested node_modules",
    );
    assert.ok(!npm.some((p) => p.name === "is-number"), "dev dependency not installed");
    const py = r.packages.filter((p) => p.type === "pypi").map((p) => `${p.name}@${p.version}`);
    for (const want of [
      "PyYAML@6.0",
      "requests@2.28.1",
      "urllib3@1.26.12",
      "pip@23.0.1",
      "setuptools@66.1.1",
    ]) {
      assert.ok(py.includes(want), want);
    }
    assert.equal(r.packages.find((p) => p.name === "PyYAML")?.purl, "pkg:pypi/pyyaml@6.0");
    assert.equal(r.image.config?.user, "1000:1000");
    assert.deepEqual(r.image.config?.cmd, ["node", "server.js"]);
    assert.equal(r.image.layers.length, 5);
    assert.ok(r.stats && r.stats.whiteouts >= 1);
  });

  test("registry source reads the same packages as the OCI layout", async () => {
    const fromLayout = await catalogImage(`oci:${env?.ociLayout}:app`);
    const fromRegistry = await catalogImage(`${env?.plain}/portcullis/app:1.0`);
    assert.equal(fromRegistry.image.digest, fromLayout.image.digest);
    assert.deepEqual(
      fromRegistry.packages.map((p) => p.purl),
      fromLayout.packages.map((p) => p.purl),
    );
  });

  test("multi-platform index: --platform picks the arm64 image", async () => {
    const r = await catalogImage(`${env?.plain}/portcullis/alpine:3.18-multi`, { platform: "linux/arm64" });
    assert.equal(r.image.platform?.architecture, "arm64");
    assert.equal(r.image.config?.architecture, "arm64");
    assert.equal(r.packages.length, 15);
  });
});
