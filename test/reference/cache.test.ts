/**
 * The cached reference parse (src/reference/cache.ts) must answer exactly as parseReference with
 * strictHost does, for every shared vector, on the first call and from the cache, and stay right
 * past its bound.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { parseImageReference } from "../../src/reference/cache.js";
import { InvalidReferenceError, parseReference } from "../../src/reference/index.js";
import { readVectorJson, SKIP_NO_SHARED } from "../support/shared.js";

const data = readVectorJson<{ cases: { kind: string; input: string }[] }>("reference", "cases.json");

function direct(input: string): unknown {
  try {
    return parseReference(input, { strictHost: true }).toJSON();
  } catch (err) {
    assert.ok(err instanceof InvalidReferenceError);
    return { error: err.code, position: err.position, message: err.message };
  }
}

function cached(input: string): unknown {
  try {
    return parseImageReference(input).toJSON();
  } catch (err) {
    assert.ok(err instanceof InvalidReferenceError);
    return { error: err.code, position: err.position, message: err.message };
  }
}

describe("parseImageReference (cached strict parse)", () => {
  it("agrees with parseReference(strictHost) on every shared reference vector, twice", {
    skip: data ? false : SKIP_NO_SHARED,
  }, () => {
    const inputs = [...new Set((data?.cases ?? []).map((c) => c.input))];
    assert.ok(inputs.length > 50);
    for (const input of inputs) {
      const expected = direct(input);
      assert.deepEqual(cached(input), expected, `first parse of ${JSON.stringify(input)}`);
      assert.deepEqual(cached(input), expected, `cached parse of ${JSON.stringify(input)}`);
    }
  });

  it("returns one frozen instance per text, and rejects what strictHost rejects", () => {
    const a = parseImageReference("nginx:1.27");
    assert.equal(parseImageReference("nginx:1.27"), a);
    assert.equal(a.name, "docker.io/library/nginx");
    assert.ok(Object.isFrozen(a));
    assert.throws(() => {
      (a as unknown as { tag: string }).tag = "latest";
    }, TypeError);
    assert.throws(() => parseImageReference("Foo/bar"), InvalidReferenceError);
    assert.throws(() => parseImageReference("Foo/bar"), InvalidReferenceError);
  });

  it("stays right after more distinct names than it keeps", () => {
    const names = Array.from({ length: 5000 }, (_, i) => `ghcr.io/acme/app-${i}:v${i}`);
    for (const n of names) assert.equal(parseImageReference(n).tag, n.slice(n.lastIndexOf(":") + 1));
    // The earliest ones were dropped and are parsed afresh, with the same answer.
    for (const n of names.slice(0, 10)) assert.deepEqual(cached(n), direct(n));
  });
});
