/** `portcullis sign | verify | attest | verify-attestation`: -f is checked like everywhere else. */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { describe, it } from "node:test";
import { runCli } from "../support/cli.js";
import { registryEnv, SKIP_NO_REGISTRY_ENV } from "../support/registry-env.js";

describe("signing verbs: -f", () => {
  for (const verb of ["sign", "verify", "attest", "verify-attestation"]) {
    it(`${verb} -f yaml is refused before any work (was: silently printed text)`, async () => {
      const r = await runCli([
        verb,
        "--key",
        "cosign.pub",
        "--predicate",
        "p.json",
        "-f",
        "yaml",
        "127.0.0.1:9/qa/app:1",
      ]);
      assert.equal(r.code, 2);
      assert.match(r.stderr, /'yaml' is invalid\. Allowed choices are text, table, json/);
    });
  }
});

describe("verify --recursive", () => {
  it("prints each platform's digest once in its header", {
    skip: registryEnv ? false : SKIP_NO_REGISTRY_ENV,
  }, async () => {
    const env = registryEnv;
    if (!env) return;
    const repo = `${env.plain}/portcullis-qa/no-sigs-${randomBytes(4).toString("hex")}`;
    const r = await runCli([
      "verify",
      "--key",
      env.cosignPub,
      "--recursive",
      "--signature-repo",
      repo,
      `${env.plain}/portcullis/alpine:3.18-multi`,
    ]);
    assert.equal(r.code, 1, r.stderr);
    const headers = r.stdout.split("\n").filter((l) => l.startsWith("✗") || l.startsWith("✓"));
    assert.ok(headers.length >= 3, r.stdout);
    for (const h of headers) assert.equal(h.match(/@sha256:/g)?.length, 1, h);
  });
});
