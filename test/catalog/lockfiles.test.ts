/**
 * Lockfile and metadata parsers on small snippets in each format's real syntax: npm lock v1 and
 * v3, yarn classic and Berry, pnpm v5/v6/v9 keys, poetry.lock, Pipfile.lock, core metadata,
 * dpkg status (with Source), apk installed, os-release.
 */
import assert from "node:assert/strict";
import { test } from "node:test";
import { parseApkInstalled } from "../../src/catalog/apk.js";
import { parseDpkgStatus } from "../../src/catalog/dpkg.js";
import { parseGemfileLock } from "../../src/catalog/gemfile-lock.js";
import { parseGemspec } from "../../src/catalog/gemspec.js";
import { parseModinfo } from "../../src/catalog/go-binary.js";
import { parseNpmLock } from "../../src/catalog/npm-lock.js";
import { parsePnpmKey, parsePnpmLock } from "../../src/catalog/pnpm-lock.js";
import { tomlTables } from "../../src/catalog/poetry-lock.js";
import { parseCoreMetadata } from "../../src/catalog/python-metadata.js";
import { parseYarnLock } from "../../src/catalog/yarn-lock.js";
import { detectOs } from "../../src/image/os-release.js";

test("npm lock v1 (nested dependencies) and v3 (packages)", () => {
  const v1 = parseNpmLock(
    JSON.stringify({
      lockfileVersion: 1,
      dependencies: {
        a: { version: "1.0.0", dependencies: { b: { version: "2.0.0" } } },
        d: { version: "3.0.0", dev: true },
      },
    }),
  );
  assert.deepEqual(
    v1.map((e) => `${e.name}@${e.version}${e.dev ? " dev" : ""}`),
    ["a@1.0.0", "b@2.0.0", "d@3.0.0 dev"],
  );
  const v3 = parseNpmLock(
    JSON.stringify({
      lockfileVersion: 3,
      packages: {
        "": { name: "root", version: "0.0.1" },
        "node_modules/@s/x": { version: "1.0.0", license: "MIT" },
        "node_modules/y/node_modules/z": { version: "2.0.0" },
        "node_modules/w": { resolved: "packages/w", link: true },
      },
    }),
  );
  assert.deepEqual(
    v3.map((e) => `${e.name}@${e.version}`),
    ["@s/x@1.0.0", "z@2.0.0"],
  );
});

test("yarn.lock classic and Berry", () => {
  const classic = `# yarn lockfile v1\n\n"@babel/code-frame@^7.0.0", "@babel/code-frame@^7.10.4":\n  version "7.12.13"\n  resolved "https://x"\n\nlodash@^4.17.21:\n  version "4.17.21"\n`;
  assert.deepEqual(
    parseYarnLock(classic).map((e) => `${e.name}@${e.version}`),
    ["@babel/code-frame@7.12.13", "lodash@4.17.21"],
  );
  const berry = `__metadata:\n  version: 6\n\n"lodash@npm:^4.17.21":\n  version: 4.17.21\n  resolution: "lodash@npm:4.17.21"\n\n"app@workspace:.":\n  version: 0.0.0-use.local\n`;
  assert.deepEqual(
    parseYarnLock(berry).map((e) => `${e.name}@${e.version}`),
    ["lodash@4.17.21"],
  );
});

test("pnpm lock keys v5, v6, v9 and dev entries", () => {
  assert.deepEqual(parsePnpmKey("/lodash/4.17.21"), { name: "lodash", version: "4.17.21" });
  assert.deepEqual(parsePnpmKey("/@babel/core/7.1.0_react@18.2.0"), {
    name: "@babel/core",
    version: "7.1.0",
  });
  assert.deepEqual(parsePnpmKey("/@types/node@20.1.0"), { name: "@types/node", version: "20.1.0" });
  assert.deepEqual(parsePnpmKey("react-dom@18.2.0(react@18.2.0)"), { name: "react-dom", version: "18.2.0" });
  const lock = `lockfileVersion: '6.0'\npackages:\n  /a@1.0.0:\n    dev: false\n  /b@2.0.0:\n    dev: true\n`;
  assert.deepEqual(
    parsePnpmLock(lock).map((e) => `${e.name}@${e.version}`),
    ["a@1.0.0"],
  );
});

test("poetry.lock tables", () => {
  const t = tomlTables(
    `[[package]]\nname = "requests"\nversion = "2.31.0"\n\n[package.dependencies]\nidna = ">=2.5"\n\n[[package]]\nname = "pytest"\nversion = "7.0.0"\ncategory = "dev"\n\n[metadata]\nlock-version = "2.0"\n`,
    "package",
  );
  assert.deepEqual(t, [
    { name: "requests", version: "2.31.0" },
    { name: "pytest", version: "7.0.0", category: "dev" },
  ]);
});

test("Python core metadata: License-Expression wins, classifiers when no License", () => {
  assert.deepEqual(parseCoreMetadata("Name: a\nVersion: 1\nLicense-Expression: MIT\nLicense: BSD\n\nbody"), {
    name: "a",
    version: "1",
    licenses: ["MIT"],
  });
  assert.deepEqual(
    parseCoreMetadata("Name: b\nVersion: 2\nClassifier: License :: OSI Approved :: MIT License\n")?.licenses,
    ["MIT License"],
  );
  assert.equal(parseCoreMetadata("Version: 2\n"), undefined);
});

test("dpkg status: installed filter data, Source with version", () => {
  const recs = parseDpkgStatus(
    "Package: libc6\nStatus: install ok installed\nArchitecture: amd64\nSource: glibc\nVersion: 2.36-9\nDescription: x\n continued\n\nPackage: libssl3\nStatus: install ok installed\nSource: openssl (3.0.11-1~deb12u2)\nVersion: 3.0.11-1~deb12u2+b1\n",
  );
  assert.deepEqual(
    recs.map((r) => [r.name, r.version, r.source, r.sourceVersion]),
    [
      ["libc6", "2.36-9", "glibc", undefined],
      ["libssl3", "3.0.11-1~deb12u2+b1", "openssl", "3.0.11-1~deb12u2"],
    ],
  );
});

test("apk installed: fields and origin", () => {
  const [p] = parseApkInstalled(
    "C:Q1abc=\nP:busybox\nV:1.36.1-r2\nA:x86_64\nL:GPL-2.0-only\no:busybox\nF:bin\nR:busybox\n",
  );
  assert.equal(p.name, "busybox");
  assert.equal(p.version, "1.36.1-r2");
  assert.equal(p.origin, "busybox");
  assert.equal(p.license, "GPL-2.0-only");
});

test("Go modinfo: deps, replacements, settings", () => {
  const info = parseModinfo(
    "go1.21.0",
    "path\texample.com/x\nmod\texample.com/x\t(devel)\t\ndep\tgithub.com/a/b\tv1.0.0\th1:abc=\n=>\tgithub.com/fork/b\tv1.0.1\th1:def=\ndep\tgolang.org/x/net\tv0.7.0\t\nbuild\tGOOS=linux\n",
  );
  assert.equal(info.main?.path, "example.com/x");
  assert.deepEqual(info.deps[0].replace, { path: "github.com/fork/b", version: "v1.0.1", sum: "h1:def=" });
  assert.equal(info.deps[1].path, "golang.org/x/net");
  assert.equal(info.settings.GOOS, "linux");
});

test("OS detection: os-release, fallbacks", () => {
  const f = (path: string, value: string) => ({ requestId: "os-release", path, layerIndex: 0, value });
  assert.deepEqual(
    (({ family, version }) => ({ family, version }))(
      detectOs([f("etc/os-release", 'ID="alpine"\nVERSION_ID=3.18.3\n')]) ?? { family: "", version: "" },
    ),
    { family: "alpine", version: "3.18.3" },
  );
  assert.equal(detectOs([f("etc/alpine-release", "3.19.1\n")])?.version, "3.19.1");
  assert.equal(detectOs([f("etc/debian_version", "12.5\n")])?.family, "debian");
  assert.equal(detectOs([f("etc/redhat-release", "Rocky Linux release 9.3 (Blue Onyx)")])?.family, "rocky");
  assert.equal(detectOs([]), undefined);
});

test("Ruby gemspec and Gemfile.lock, Cargo.lock", () => {
  assert.deepEqual(
    parseGemspec(
      `Gem::Specification.new do |s|\n  s.name = "rack".freeze\n  s.version = "2.2.8"\n  s.licenses = ["MIT".freeze]\nend\n`,
    ),
    { name: "rack", version: "2.2.8", licenses: ["MIT"] },
  );
  const lock = `GEM\n  remote: https://rubygems.org/\n  specs:\n    nokogiri (1.15.4-x86_64-linux)\n      racc (~> 1.4)\n    racc (1.7.1)\n\nPLATFORMS\n  x86_64-linux\n\nDEPENDENCIES\n  nokogiri\n`;
  assert.deepEqual(
    parseGemfileLock(lock).map((g) => `${g.name}@${g.version}`),
    ["nokogiri@1.15.4", "racc@1.7.1"],
  );
  const cargo = tomlTables(
    `version = 3\n\n[[package]]\nname = "serde"\nversion = "1.0.188"\nsource = "registry+https://github.com/rust-lang/crates.io-index"\n`,
    "package",
  );
  assert.deepEqual(cargo[0], {
    name: "serde",
    version: "1.0.188",
    source: "registry+https://github.com/rust-lang/crates.io-index",
  });
});
