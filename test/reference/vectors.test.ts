import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { InvalidReferenceError, parseReference } from "../../src/reference/index.js";
import { readVectorJson, SKIP_NO_SHARED } from "../support/shared.js";

interface Case {
  kind: string;
  input: string;
  valid: boolean;
  name?: string;
  domain?: string;
  path?: string;
  tag?: string | null;
  digest?: string | null;
  familiar?: string;
  expected?: string;
  error?: string;
}

const data = readVectorJson<{ cases: Case[] }>("reference", "cases.json");

describe("distribution/reference vectors (shared/vectors/reference/cases.json)", {
  skip: data ? false : SKIP_NO_SHARED,
}, () => {
  for (const [i, c] of (data?.cases ?? []).entries()) {
    it(`#${i} ${c.kind} ${JSON.stringify(c.input.slice(0, 80))} → ${c.valid ? "valid" : (c.error ?? "invalid")}`, () => {
      const normalize = c.kind !== "parse";
      if (!c.valid) {
        assert.throws(
          () => parseReference(c.input, { normalize }),
          (e: unknown) =>
            e instanceof InvalidReferenceError && typeof e.position === "number" && e.code.length > 0,
        );
        return;
      }
      const ref = parseReference(c.input, { normalize });
      switch (c.kind) {
        case "parse":
          assert.equal(ref.name, c.name);
          assert.equal(ref.domain, c.domain);
          assert.equal(ref.tag ?? null, c.tag);
          assert.equal(ref.digest ?? null, c.digest);
          break;
        case "normalized":
          assert.equal(ref.domain, c.domain);
          assert.equal(ref.path, c.path);
          if (c.name !== undefined) assert.equal(ref.name, c.name);
          if (c.familiar !== undefined) assert.equal(ref.familiar(), c.familiar);
          break;
        case "docker-ref":
          assert.equal(ref.dockerRef(), c.expected);
          break;
        case "normalized-valid":
          assert.ok(ref.domain.length > 0);
          break;
        default:
          assert.fail(`unknown case kind ${c.kind}`);
      }
    });
  }
});
