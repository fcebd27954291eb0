/**
 * `policy explain` for the vulnerabilities rule: it names the limit, the ignored ids (an expired
 * entry is said to no longer apply), and the evidence the rule takes — a scan against the
 * vulnerability database, or a signed vuln attestation no older than maxAge with the key that must
 * verify it — one table of policies, plus the real CLI once.
 */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, test } from "node:test";
import { explainPolicy } from "../../src/policy/explain.js";
import { parsePolicy } from "../../src/policy/load.js";
import { generateSigningKey } from "../../src/sign/index.js";
import { runCli } from "../support/cli.js";

const head =
  "apiVersion: portcullis.dev/v1alpha1\nkind: ImagePolicy\nmetadata: { name: vulns }\nspec:\n  rules:\n";

/** The explain lines of the vulnerabilities rule for a `vulnerabilities:` block. */
const keyDir = mkdtempSync(join(tmpdir(), "portcullis-explain-vulns-"));
mkdirSync(join(keyDir, "keys"));
const pem = generateSigningKey().publicKey.export({ type: "spki", format: "pem" }) as string;
for (const f of ["cosign.pub", "keys/vuln.pub"]) writeFileSync(join(keyDir, f), pem);
after(() => rmSync(keyDir, { recursive: true, force: true }));

function explained(block: string, extraRules = ""): string[] {
  const { policy } = parsePolicy(`${head}${extraRules}    vulnerabilities:\n${block}`, "p.yaml", keyDir);
  return explainPolicy(policy)
    .split("\n")
    .filter((l) => /vulnerab|evidence:/.test(l));
}

const CASES: { name: string; block: string; extraRules?: string; expect: RegExp[]; absent?: RegExp[] }[] = [
  {
    name: "default evidence is a scan against the database, which fails closed",
    block: "      maxSeverity: high\n",
    expect: [
      /\[ENFORCE .*\] images must have no vulnerability above high$/m,
      /evidence: scan — .*matched against the vulnerability database \(check --db \/ webhook serve --db, else \$PORTCULLIS_DB, else the user cache\); a database that is missing or cannot be used denies the image/,
    ],
    absent: [/attestation/, /ignored/],
  },
  {
    name: "maxSeverity none with ignoreUnfixed",
    block: "      maxSeverity: none\n      ignoreUnfixed: true\n      evidence: scan\n",
    expect: [
      /images must have no known vulnerability that has a fix \(those without one are ignored\)/,
      /evidence: scan/,
    ],
  },
  {
    name: "attestation evidence with its own key and maxAge",
    block:
      "      maxSeverity: critical\n      evidence: attestation\n      maxAge: 24h\n      key: { file: keys/vuln.pub }\n",
    expect: [
      /evidence: attestation — a cosign vuln attestation \(https:\/\/cosign\.sigstore\.dev\/attestation\/vuln\/v1\) on the image digest, signed by .*keys\/vuln\.pub.*, whose scan is no older than maxAge 24h; /,
      /No attestation, one that does not verify or one that is too old denies the image/,
    ],
    absent: [/the default/, /evidence: scan/],
  },
  {
    name: "attestation evidence without a key uses the signature keys and the 7d default",
    block: "      maxSeverity: high\n      evidence: attestation\n",
    extraRules:
      "    signatures:\n      keys:\n        - images: ['**']\n          key: { file: cosign.pub }\n",
    expect: [
      /signed by the image's signature key\(s\) from spec\.rules\.signatures, whose scan is no older than maxAge 7d \(the default\)/,
    ],
  },
  {
    name: "ignored ids with reasons, package and expiry; an expired one no longer applies",
    block:
      "      maxSeverity: none\n      ignore:\n        - CVE-2020-0001\n        - { id: GHSA-aaaa-bbbb-cccc, reason: not reachable, package: 'pkg:npm/lodash*', expires: '2999-01-01' }\n        - { id: CVE-2019-0002, reason: accepted, expires: '2020-01-01' }\n",
    expect: [
      /vulnerabilities ignored: CVE-2020-0001, GHSA-aaaa-bbbb-cccc in pkg:npm\/lodash\* \(not reachable; until 2999-01-01\), CVE-2019-0002 \(accepted; EXPIRED on 2020-01-01, no longer ignored\)/,
    ],
  },
];

describe("policy explain: the vulnerabilities rule", () => {
  for (const c of CASES) {
    test(c.name, () => {
      const lines = explained(c.block, c.extraRules);
      const text = lines.join("\n");
      for (const re of c.expect) assert.match(text, re);
      for (const re of c.absent ?? []) assert.doesNotMatch(text, re);
    });
  }

  test("portcullis policy explain prints the evidence line", async () => {
    const dir = mkdtempSync(join(tmpdir(), "portcullis-explain-vulns-"));
    try {
      writeFileSync(join(dir, "cosign.pub"), pem);
      const file = join(dir, "policy.yaml");
      writeFileSync(
        file,
        `${head}    vulnerabilities:\n      maxSeverity: high\n      evidence: attestation\n      maxAge: 2d\n      key: { file: cosign.pub }\n`,
      );
      const r = await runCli(["policy", "explain", file]);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /images must have no vulnerability above high/);
      assert.match(r.stdout, /evidence: attestation — .*no older than maxAge 2d/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
