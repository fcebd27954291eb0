/** `portcullis sign | verify | attest | verify-attestation`: -f is checked like everywhere else. */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { runCli } from "../support/cli.js";

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
