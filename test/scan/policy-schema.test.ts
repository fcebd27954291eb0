/**
 * The vulnerabilities section of the ImagePolicy (issue 14 item 6: it works as the scanning
 * issue says): `policy validate` accepts the documented forms, refuses the inconsistent ones with
 * file:line:column, the starter offers it commented and its uncommented block validates, and
 * without look-ups the rule reports "look-ups are off" rather than allowing.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import { evaluatePolicy } from "../../src/policy/engine.js";
import { PolicyError, parsePolicy } from "../../src/policy/load.js";
import { STARTER_POLICY } from "../../src/policy/starter.js";

const head =
  "apiVersion: portcullis.dev/v1alpha1\nkind: ImagePolicy\nspec:\n  rules:\n    vulnerabilities:\n";

function problems(body: string): string[] {
  try {
    parsePolicy(`${head}${body}`, "p.yaml");
  } catch (err) {
    assert.ok(err instanceof PolicyError);
    return err.problems.map((p) => `${p.line}:${p.column}: ${p.message}`);
  }
  return [];
}

describe("policy vulnerabilities section", () => {
  const valid: [string, string][] = [
    ["limit only", "      maxSeverity: high\n"],
    [
      "bare ids and entries with reason/expiry",
      '      maxSeverity: none\n      ignore:\n        - CVE-2023-1\n        - { id: CVE-2023-2, reason: "r", package: openssl, expires: "2027-01-31" }\n',
    ],
    ["scan evidence", "      maxSeverity: high\n      ignoreUnfixed: true\n      evidence: scan\n"],
    [
      "attestation evidence with the signature keys",
      "      maxSeverity: high\n      evidence: attestation\n      maxAge: 24h\n    signatures:\n      keys: [{ images: ['**'], key: { secret: { namespace: ci, name: cosign } } }]\n",
    ],
  ];
  for (const [name, body] of valid) test(`accepted: ${name}`, () => assert.deepEqual(problems(body), []));

  const invalid: [string, string, RegExp][] = [
    [
      "an ignore entry without a reason",
      "      maxSeverity: high\n      ignore:\n        - { id: CVE-2023-2 }\n",
      /^8:11: .*ignore\.0: missing required field "reason"/,
    ],
    [
      "a bad expiry date",
      '      maxSeverity: high\n      ignore:\n        - { id: CVE-1, reason: r, expires: "2027-02-30" }\n',
      /ignore\[0\]\.expires: not a real date "2027-02-30"/,
    ],
    [
      "an unknown evidence",
      "      maxSeverity: high\n      evidence: vibes\n",
      /evidence: expected one of "scan", "attestation"/,
    ],
    [
      "a bad maxAge",
      "      maxSeverity: high\n      evidence: attestation\n      maxAge: a while\n      key: { secret: { namespace: a, name: b } }\n",
      /maxAge/,
    ],
    [
      "maxAge without attestation evidence",
      "      maxSeverity: high\n      maxAge: 1h\n",
      /maxAge: only used with evidence: attestation/,
    ],
    [
      "attestation evidence without any key",
      "      maxSeverity: high\n      evidence: attestation\n",
      /attestation needs a key/,
    ],
    [
      "a key file that does not exist",
      "      maxSeverity: high\n      evidence: attestation\n      key: { file: nope.pub }\n",
      /key\.file: key file "nope\.pub" not found/,
    ],
  ];
  for (const [name, body, msg] of invalid) {
    test(`refused: ${name}`, () => {
      const got = problems(body);
      assert.ok(
        got.some((p) => msg.test(p)),
        got.join("\n"),
      );
    });
  }

  test("the starter policy offers it commented, and uncommented it validates", () => {
    assert.match(STARTER_POLICY, /^ {4}# vulnerabilities:$/m);
    const uncommented = STARTER_POLICY.replace(
      /^( {4})# (vulnerabilities:\n)((?: {4}# .*\n)+)/m,
      (_m, indent: string, key: string, rest: string) =>
        `${indent}${key}${rest
          .split("\n")
          .filter((l) => l && !/^ {4}# {3}# /.test(l))
          .map((l) => l.replace(/^( {4})# /, "$1"))
          .join("\n")}\n`,
    );
    assert.notEqual(uncommented, STARTER_POLICY);
    const { policy } = parsePolicy(uncommented, "starter.yaml");
    assert.equal(policy.spec.rules?.vulnerabilities?.maxSeverity, "high");
    assert.equal(policy.spec.rules?.vulnerabilities?.evidence, "scan");
  });

  test("without look-ups the rule is reported as not checked, never a pass", () => {
    const { policy } = parsePolicy(`${head}      maxSeverity: high\n`, "p.yaml");
    const pod = {
      apiVersion: "v1",
      kind: "Pod",
      metadata: { name: "p" },
      spec: { containers: [{ name: "a", image: "nginx:1.27" }] },
    };
    const e = evaluatePolicy(policy, pod, { lookups: false });
    const d = e.decisions.find((x) => x.rule === "image-vulnerabilities");
    assert.ok(d, "a decision for the rule");
    assert.match(
      d.message,
      /vulnerability scan \(max severity high\) was not verified because image look-ups are off/,
    );
  });
});
