import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  anchoredDomain,
  anchoredIdentifier,
  anchoredName,
  anchoredReference,
  familiarMatch,
  matchImagePattern,
  parseAnyReference,
  parseCanonicalReference,
  parseReference,
  parseRepositoryName,
  validateImagePattern,
} from "../../src/reference/index.js";
import { readVectorJson, SKIP_NO_SHARED } from "../support/shared.js";

interface Case {
  kind: string;
  input?: string;
  valid: boolean;
  expected?: unknown;
  pattern?: string;
  name?: string;
  domain?: string;
  path?: string;
  tag?: string | null;
  digest?: string | null;
  note?: string;
}

const data = readVectorJson<{ cases: Case[] }>("reference", "cases-more.json");

describe("distribution/reference extra vectors (cases-more.json)", {
  skip: data ? false : SKIP_NO_SHARED,
}, () => {
  for (const [i, c] of (data?.cases ?? []).entries()) {
    it(`#${i} ${c.kind} ${JSON.stringify((c.input ?? c.name ?? "").slice(0, 60))}`, () => {
      const input = c.input ?? "";
      switch (c.kind) {
        case "any": {
          const r = parseAnyReference(input);
          assert.equal(typeof r === "string" ? r : r.toString(), c.expected);
          break;
        }
        case "match":
          assert.equal(familiarMatch(c.pattern ?? "", parseReference(input)), c.expected);
          break;
        case "name":
          if (!c.valid) assert.throws(() => parseRepositoryName(input));
          else {
            const r = parseRepositoryName(input);
            assert.equal(r.domain, c.domain);
            assert.equal(r.path, c.path);
          }
          break;
        case "canonical":
          if (!c.valid) assert.throws(() => parseCanonicalReference(input));
          else {
            const r = parseCanonicalReference(input);
            assert.equal(r.domain, c.domain);
            assert.equal(r.path, c.path);
          }
          break;
        case "with-tag":
          assert.equal(
            parseReference(c.name ?? "", { normalize: false })
              .with({ tag: c.tag ?? undefined })
              .toString(),
            c.expected,
          );
          break;
        case "with-digest": {
          const base = parseReference(c.name ?? "", { normalize: false }).with({ tag: c.tag ?? undefined });
          assert.equal(base.with({ digest: c.digest ?? undefined }).toString(), c.expected);
          break;
        }
        case "identifier":
          assert.equal(anchoredIdentifier.test(input), c.valid);
          break;
        case "domain":
          assert.equal(anchoredDomain.test(input), c.valid);
          break;
        case "name-syntax":
          assert.equal(anchoredName.test(input), c.valid);
          break;
        case "reference-syntax": {
          const m = anchoredReference.exec(input);
          assert.equal(m !== null, c.valid);
          if (m && c.valid) {
            assert.equal(m[1], c.name);
            assert.equal(m[2] ?? null, c.tag ?? null);
            assert.equal(m[3] ?? null, c.digest ?? null);
          }
          break;
        }
        default:
          assert.fail(`unknown kind ${c.kind}`);
      }
    });
  }
});

describe("validateImagePattern", () => {
  it("accepts hosts, globs and Docker Hub short forms", () => {
    for (const p of [
      "nginx",
      "bitnami/*",
      "ghcr.io/org/**",
      "*.corp.example",
      "localhost:5000",
      "docker.io/library/*",
    ]) {
      assert.equal(validateImagePattern(p), undefined, p);
    }
  });
  it("rejects digests, tags, partial ** and bad names with a reason", () => {
    assert.match(validateImagePattern("nginx@sha256:abc") ?? "", /digest/);
    assert.match(validateImagePattern("ghcr.io/org/app:1.0") ?? "", /tag/);
    assert.match(validateImagePattern("ghcr.io/org**") ?? "", /whole segment/);
    assert.match(validateImagePattern("ghcr.io//app") ?? "", /empty path segment/);
  });
});

describe("matchImagePattern matches the normalised name", () => {
  const table: [string, string, boolean][] = [
    ["docker.io/library/*", "nginx", true],
    ["docker.io/*", "nginx", true], // normalised like an image: docker.io/library/*
    ["docker.io/*", "bitnami/redis", false],
    ["docker.io/**", "nginx", true],
    ["nginx", "docker.io/library/nginx:1.25", true],
    ["nginx", "evil.example.com/nginx", false],
    ["ghcr.io/my-org/**", "ghcr.io/my-org/team/app:1", true],
    ["ghcr.io/my-org/**", "ghcr.io/my-org-evil/app", false],
    ["ghcr.io/my-org/*", "ghcr.io/my-org/team/app", false],
    ["registry.example.com", "registry.example.com/a/b:1", true],
    ["registry.example.com", "registry.example.com.evil.io/a", false],
    ["*.example.com/**", "eu.example.com/app", true],
    ["localhost:5000/app-?", "localhost:5000/app-b", true],
    ["localhost:5000", "localhost:5000/app", true],
    ["bitnami/*", "bitnami/redis:7", true],
    ["bitnami/*", "docker.io/bitnamievil/redis", false],
    ["docker.io/acme/*", "docker.io/acme-evil/x", false],
    ["ghcr.io/**/app", "ghcr.io/app", true],
    ["ghcr.io/**/app", "ghcr.io/a/b/app", true],
    ["registry.example.com", "Registry.Example.com/app", true],
    ["*", "quay.io/x/y", true],
  ];
  for (const [pattern, image, expected] of table) {
    it(`${pattern} ${expected ? "matches" : "does not match"} ${image}`, () => {
      assert.equal(matchImagePattern(pattern, parseReference(image)), expected);
    });
  }
});
