/** `portcullis attest --predicate -` reads the predicate from standard input (was: "cannot read predicate -: ENOENT"). */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { describe, it } from "node:test";
import { runCli } from "../support/cli.js";
import { registryEnv, SKIP_NO_REGISTRY_ENV } from "../support/registry-env.js";

describe("portcullis attest --predicate -", () => {
  it("attests a predicate piped on stdin; verify-attestation prints it back", {
    skip: registryEnv ? false : SKIP_NO_REGISTRY_ENV,
  }, async () => {
    const env = registryEnv;
    if (!env) return;
    const image = `${env.plain}/portcullis/alpine:3.18`;
    // Store the attestation in a repository of our own: the shared image stays untouched.
    const repo = `${env.plain}/portcullis-qa/attest-stdin-${randomBytes(4).toString("hex")}`;
    const password = { PORTCULLIS_PASSWORD: env.cosignPassword };
    const predicate = { qa: "from stdin", n: 1 };
    const a = await runCli(
      [
        "attest",
        "--key",
        env.cosignKey,
        "--predicate",
        "-",
        "--type",
        "link",
        "--signature-repo",
        repo,
        image,
      ],
      { stdin: JSON.stringify(predicate), env: password },
    );
    assert.equal(a.code, 0, a.stderr);
    const v = await runCli([
      "verify-attestation",
      "--key",
      env.cosignPub,
      "--type",
      "link",
      "--signature-repo",
      repo,
      image,
    ]);
    assert.equal(v.code, 0, v.stderr);
    assert.deepEqual(JSON.parse(v.stdout.trim().split("\n")[0]).predicate, predicate);
  });

  it("an empty stdin predicate is a usage error naming it", async () => {
    const r = await runCli(["attest", "--key", "cosign.key", "--predicate", "-", "127.0.0.1:9/qa/app:1"], {
      stdin: "",
    });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /-: predicate is not valid JSON/);
  });
});
