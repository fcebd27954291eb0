/**
 * One Dockerfile front door (issue 12 item 2): the naming rule, and `lint dockerfile`, `check` and
 * `pin` agreeing on which files are Dockerfiles and on FROM images built from ARGs. Reference
 * behaviour: Docker reads `Dockerfile` (and lowercase `dockerfile`) by default and documents
 * `<name>.Dockerfile` with `<Dockerfile>.dockerignore` as its per-Dockerfile ignore file; BuildKit
 * leaves `FROM ${REG}/app:1.0` to the build-time value of REG.
 */
import assert from "node:assert/strict";
import { mkdirSync, symlinkSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { before, describe, it } from "node:test";
import { findDockerfiles as checkFinds } from "../../src/check/dockerfiles.js";
import { runCheck } from "../../src/check/run.js";
import { collectSources } from "../../src/cli/verbs/pin.js";
import { findDockerfilesIn, isDockerfileInput, isDockerfileName } from "../../src/dockerfile/files.js";
import { lintDockerfiles } from "../../src/lint/dockerfile/engine.js";
import { findDockerfileImages } from "../../src/pin/find-dockerfile.js";
import { parsePolicy } from "../../src/policy/load.js";
import { tempDir } from "../registry/temp-dir.js";

const NAMES: [string, boolean, string][] = [
  ["Dockerfile", true, "docker's default name"],
  ["dockerfile", true, "docker falls back to lowercase"],
  ["Containerfile", true, "podman/buildah's default name"],
  ["Dockerfile.prod", true, "Dockerfile.<suffix>"],
  ["dockerfile.prod", true, "names are case-insensitive"],
  ["Containerfile.arm64", true, "Containerfile.<suffix>"],
  ["api.Dockerfile", true, "docker's documented <name>.Dockerfile"],
  ["api.dockerfile", true, "<name>.dockerfile"],
  ["web.Containerfile", true, "<name>.Containerfile"],
  ["Dockerfile.dockerignore", false, "BuildKit's ignore file for Dockerfile"],
  ["api.Dockerfile.dockerignore", false, "BuildKit's ignore file for api.Dockerfile"],
  ["Containerfile.containerignore", false, "podman's ignore file"],
  ["Dockerfile-dev", false, "not a Docker naming convention: name it explicitly"],
  ["Dockerfile_dev", false, "not a Docker naming convention"],
  ["MyDockerfile", false, "no separator"],
  [".dockerignore", false, "the context ignore file"],
  ["docker-compose.yaml", false, "YAML"],
];

describe("the Dockerfile naming rule", () => {
  for (const [name, want, why] of NAMES) {
    it(`${name} is ${want ? "" : "not "}a Dockerfile (${why})`, () => {
      assert.equal(isDockerfileName(name), want);
      assert.equal(isDockerfileName(`some/dir/${name}`), want, "only the base name counts");
    });
  }
});

describe("lint dockerfile, check and pin find the same Dockerfiles in one folder", () => {
  let dir: string;
  before(() => {
    dir = tempDir("front-door");
    const df = "FROM alpine:3.20\n";
    for (const [name] of NAMES) if (!name.endsWith(".yaml")) writeFileSync(join(dir, name), df);
    mkdirSync(join(dir, ".devcontainer"));
    writeFileSync(join(dir, ".devcontainer", "Dockerfile"), df);
    mkdirSync(join(dir, "node_modules", "x"), { recursive: true });
    writeFileSync(join(dir, "node_modules", "x", "Dockerfile"), df);
    symlinkSync("Dockerfile", join(dir, "linked.Dockerfile"));
  });

  it("the three verbs list exactly the files the naming rule names", () => {
    const expected = [
      ".devcontainer/Dockerfile",
      ...NAMES.filter(([n, want]) => want && !n.endsWith(".yaml")).map(([n]) => n),
      "linked.Dockerfile",
    ].sort();
    const rel = (files: string[]) => files.map((f) => relative(dir, f)).sort();
    const lint = lintDockerfiles([dir]);
    const linted = new Set(lint.findings.map((f) => f.location?.file as string));
    assert.equal(lint.summary.files, expected.length, "lint dockerfile: files linted");
    assert.deepEqual(rel(findDockerfilesIn(dir).files), expected, "the finder");
    assert.deepEqual(rel(checkFinds([dir])), expected, "check");
    const pinned = collectSources([dir]).sources.filter((s) => s.kind === "dockerfile");
    assert.deepEqual(rel(pinned.map((s) => s.name)), expected, "pin");
    for (const f of linted) assert.ok(expected.includes(relative(dir, f)), `lint saw ${f}`);
  });

  it("a Dockerfile-dev named explicitly is a Dockerfile for check and pin (by content)", () => {
    const file = join(dir, "Dockerfile-dev");
    assert.equal(isDockerfileInput(file), true);
    assert.deepEqual(checkFinds([file]), [file]);
    assert.equal(collectSources([file]).sources[0]?.kind, "dockerfile");
    assert.equal(lintDockerfiles([file]).summary.files, 1);
  });
});

describe("FROM built from an ARG without a value: unresolved everywhere", () => {
  const text = "ARG REG\nFROM ${REG}/app:1.0\nRUN true\n";
  const policy = parsePolicy(
    [
      "apiVersion: portcullis.dev/v1alpha1",
      "kind: ImagePolicy",
      "metadata: { name: t }",
      "spec:",
      "  rules:",
      "    allowedRegistries: { patterns: [docker.io/library/*] }",
      "    forbidLatest: {}",
    ].join("\n"),
  );
  let dir: string;
  before(() => {
    dir = tempDir("front-door-arg");
    writeFileSync(join(dir, "Dockerfile"), text);
  });

  it("check does not call `${REG}/app:1.0` an invalid reference; it notes it was not checked", async () => {
    const { report, notes } = await runCheck({ policy, paths: [join(dir, "Dockerfile")] });
    assert.deepEqual(report.errors, []);
    assert.deepEqual(
      report.findings.map((f) => `${f.rule}: ${f.message}`),
      [],
      "no finding for an unresolved base image",
    );
    assert.ok(
      notes.some((n) => /\$\{REG\}\/app:1\.0 .*not checked/.test(n)),
      notes.join("\n"),
    );
  });

  it("lint dockerfile leaves it unresolved too (no invalid-reference or base-image finding)", () => {
    const report = lintDockerfiles([join(dir, "Dockerfile")]);
    assert.deepEqual(report.errors, []);
    assert.deepEqual(
      report.findings.filter((f) => /base-image|invalid/.test(f.rule)).map((f) => f.rule),
      [],
    );
  });

  it("pin skips it as built from an ARG value", () => {
    const { sites } = findDockerfileImages(text, "Dockerfile");
    assert.deepEqual(
      sites.map((s) => [s.image, s.skip]),
      [["${REG}/app:1.0", "built from an ARG value"]],
    );
  });

  it("check still checks a base whose ARG has a default (the same substitution as lint)", async () => {
    const file = join(dir, "Dockerfile.default");
    writeFileSync(file, "ARG REG=quay.io\nFROM ${REG}/app:1.0\n");
    const { report } = await runCheck({ policy, paths: [file] });
    assert.ok(
      report.findings.some(
        (f) => f.rule === "image-registry-not-allowed" && /quay\.io\/app:1\.0/.test(f.message),
      ),
      JSON.stringify(report.findings.map((f) => [f.rule, f.message])),
    );
  });

  it("check reports a Dockerfile that does not parse as an input error with its line", async () => {
    const file = join(dir, "broken.Dockerfile");
    writeFileSync(file, "FROM alpine:3.20\nFROBNICATE x\n");
    const { report } = await runCheck({ policy, paths: [file] });
    assert.equal(report.errors.length, 1);
    assert.equal(report.errors[0].line, 2);
    assert.match(report.errors[0].message, /unknown instruction 'FROBNICATE'/);
  });
});
