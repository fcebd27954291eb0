/**
 * The policy's pattern matching (src/policy/patterns.ts) remembers answers; a remembered answer
 * must be the one src/reference/match.ts gives, first time and every time, also after its
 * tables were emptied.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { matchAny, matchName } from "../../src/policy/patterns.js";
import { firstMatchingPattern, matchImageName } from "../../src/reference/index.js";

const PATTERNS = [
  "docker.io/library/*",
  "docker.io/acme/*",
  "ghcr.io/acme/**",
  "registry.corp.example",
  "*.corp.example",
  "nginx",
  "bitnami/*",
  "localhost:5000",
  "127.0.0.1:35000/portcullis/*",
  "quay.io/org/app?",
];
const NAMES = [
  "docker.io/library/nginx",
  "docker.io/acme/api",
  "docker.io/acme-evil/api",
  "docker.io/acme/api/extra",
  "registry-1.docker.io/acme/api",
  "ghcr.io/acme",
  "ghcr.io/acme/a/b/c",
  "ghcr.io/acmex/a",
  "registry.corp.example/team/app",
  "Registry.Corp.Example/team/app",
  "build.corp.example/x",
  "corp.example/x",
  "docker.io/bitnami/redis",
  "localhost:5000/app",
  "127.0.0.1:35000/portcullis/demo",
  "quay.io/org/app1",
  "quay.io/org/app12",
];

describe("policy pattern matching with remembered answers", () => {
  it("matchName gives matchImageName's answer for every pattern and name, twice", () => {
    for (let round = 0; round < 2; round++) {
      for (const p of PATTERNS) {
        for (const n of NAMES) assert.equal(matchName(p, n), matchImageName(p, n), `${p} vs ${n}`);
      }
    }
  });

  it("matchAny gives firstMatchingPattern's answer, twice", () => {
    const lists = [PATTERNS, PATTERNS.slice(3), ["docker.io/acme/*"], [], undefined];
    for (let round = 0; round < 2; round++) {
      for (const list of lists) {
        for (const n of NAMES) assert.equal(matchAny(list, n), firstMatchingPattern(list, n), n);
      }
    }
  });

  it("a look-alike repository does not inherit a remembered answer", () => {
    assert.equal(matchName("docker.io/acme/*", "docker.io/acme/api"), true);
    assert.equal(matchName("docker.io/acme/*", "docker.io/acme-evil/api"), false);
    assert.equal(matchName("docker.io/acme/*", "docker.io/acme/api"), true);
  });

  it("stays right after more names and patterns than its tables keep", () => {
    for (let i = 0; i < 3000; i++) {
      const name = `ghcr.io/acme/app-${i}`;
      assert.equal(matchName("ghcr.io/acme/**", name), true);
      assert.equal(matchName(`ghcr.io/other-${i}/**`, name), false);
    }
    for (const p of PATTERNS) for (const n of NAMES) assert.equal(matchName(p, n), matchImageName(p, n));
  });
});
