import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { compareQuantities, parseQuantity, QuantityError } from "../../src/k8s/quantity.js";

const cmp = (a: unknown, b: unknown) => compareQuantities(parseQuantity(a), parseQuantity(b));

describe("Kubernetes quantities", () => {
  it("parses every suffix family exactly", () => {
    const exact = (s: unknown) => {
      const q = parseQuantity(s);
      return `${q.numerator}/${q.denominator}`;
    };
    assert.equal(exact("500m"), "500/1000");
    assert.equal(exact("1.5Gi"), `${15n * 2n ** 30n}/10`);
    assert.equal(exact("2k"), "2000/1");
    assert.equal(exact("1Ki"), "1024/1");
    assert.equal(exact("1e3"), "1000/1");
    assert.equal(exact("1E-3"), "1/1000");
    assert.equal(exact("5n"), "5/1000000000");
    assert.equal(exact("7u"), "7/1000000");
    assert.equal(exact(".5"), "5/10");
    assert.equal(exact("1."), "1/1");
    assert.equal(exact("+2"), "2/1");
    assert.equal(exact(2), "2/1");
    assert.equal(exact(0.25), "25/100");
    assert.equal(exact("3E"), `${3n * 10n ** 18n}/1`);
    assert.equal(exact("1Ei"), `${2n ** 60n}/1`);
  });
  it("compares across suffixes", () => {
    assert.equal(cmp("1Gi", "1000Mi"), 1);
    assert.equal(cmp("1000Mi", "1G"), 1);
    assert.equal(cmp("1G", "1e9"), 0);
    assert.equal(cmp("500m", "0.5"), 0);
    assert.equal(cmp("0.1", "101m"), -1);
    assert.equal(cmp(1, "1000m"), 0);
  });
  it("rejects what the API server rejects, with a reason", () => {
    const reason = (s: unknown) => {
      try {
        parseQuantity(s);
      } catch (err) {
        assert.ok(err instanceof QuantityError);
        return err.message;
      }
      assert.fail(`${String(s)} should be rejected`);
    };
    assert.equal(
      reason("512MB"),
      '"512MB" is not a Kubernetes quantity: unknown suffix "MB" (use M (10^6) or Mi (2^20))',
    );
    assert.match(reason("1 Gi"), /unknown suffix " Gi"/);
    assert.match(reason("Gi"), /expected a number first/);
    assert.match(reason(""), /empty/);
    assert.match(reason("1.2.3"), /unknown suffix/);
    assert.match(reason("1e"), /unknown suffix "e"/);
    assert.match(reason("1gi"), /case-sensitive/);
    assert.match(reason(true), /expected a string or a number, got boolean/);
    assert.match(reason(" 1"), /spaces/);
  });
});
