/**
 * The policy's pattern matching (src/policy/patterns.ts) remembers answers; a remembered answer
 * must be the one src/reference/match.ts gives, first time and every time, also after its
 * tables were emptied.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { matchAny, matchName, matchValue } from "../../src/policy/patterns.js";
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

describe("value patterns of label and annotation rules (matchValue)", () => {
  const table: [pattern: string | undefined, value: string, matches: boolean][] = [
    [undefined, "anything at all", true],
    ["https://github.com/acme/*", "https://github.com/acme/app", true],
    ["https://github.com/acme/*", "https://github.com/acme/", true],
    ["https://github.com/acme/*", "https://github.com/acme/app/tree/main", false],
    ["https://github.com/acme/*", "https://github.com/acme-evil/app", false],
    ["https://github.com/acme/**", "https://github.com/acme/app/tree/main", true],
    ["https://github.com/acme/**", "https://github.com/acmex", false],
    ["**", "", true],
    ["**", "a/b/c", true],
    ["*", "a/b", false],
    ["v1.*", "v1.2", true],
    ["v1.*", "v1x2", false],
    ["(a+)+$", "(a+)+$", true],
    ["(a+)+$", "aaaa", false],
    ["team-?", "team-?", true],
    ["team-?", "team-a", false],
    ["exact", "exact", true],
    ["exact", "exactly", false],
    ["ünïcode-*", "ünïcode-✓", true],
  ];
  for (const [pattern, value, want] of table) {
    it(`${JSON.stringify(pattern)} ${want ? "matches" : "does not match"} ${JSON.stringify(value)}`, () => {
      assert.equal(matchValue(pattern, value), want);
    });
  }

  // A backtracking matcher would not finish this in hours; the timeout turns a hang into a failure.
  it("many stars against a long value that almost matches stay linear (values come from images)", {
    timeout: 30_000,
  }, () => {
    const value = `${"a".repeat(20_000)}b`;
    assert.equal(matchValue("*a*a*a*a*a*a*a*a*c", value), false);
    assert.equal(matchValue("**a**a**a**a**a**b", value), true);
  });
});
