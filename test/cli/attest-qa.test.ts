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

describe("verify-attestation --type leaves other types out, as cosign does", () => {
  it("one link and one custom attestation: --type link reports 1 of 1, and -f json has no other predicate", {
    skip: registryEnv ? false : SKIP_NO_REGISTRY_ENV,
  }, async () => {
    const env = registryEnv;
    if (!env) return;
    const image = `${env.plain}/portcullis/alpine:3.18`;
    const repo = `${env.plain}/portcullis-qa/attest-types-${randomBytes(4).toString("hex")}`;
    const password = { PORTCULLIS_PASSWORD: env.cosignPassword };
    for (const [type, predicate] of [
      ["link", { step: "build" }],
      ["https://example.com/qa-secret/v1", { secret: "not for link readers" }],
    ] as const) {
      const a = await runCli(
        [
          "attest",
          "--key",
          env.cosignKey,
          "--predicate",
          "-",
          "--type",
          type,
          "--signature-repo",
          repo,
          image,
        ],
        { stdin: JSON.stringify(predicate), env: password },
      );
      assert.equal(a.code, 0, a.stderr);
    }
    const base = ["verify-attestation", "--key", env.cosignPub, "--type", "link", "--signature-repo", repo];
    const text = await runCli([...base, "-f", "text", image]);
    assert.equal(text.code, 0, text.stderr);
    assert.match(text.stderr, /: 1 of 1 attestation\(s\) verified/);
    assert.doesNotMatch(text.stderr, /predicate type is/);
    assert.equal(text.stdout.trim().split("\n").length, 1);
    const json = await runCli([...base, "-f", "json", image]);
    assert.equal(json.code, 0, json.stderr);
    assert.doesNotMatch(json.stdout, /not for link readers/);
    const out = JSON.parse(json.stdout);
    assert.equal(out[0].verdicts.length, 1);
    // Without --type both are verified.
    const all = await runCli(["verify-attestation", "--key", env.cosignPub, "--signature-repo", repo, image]);
    assert.equal(all.code, 0, all.stderr);
    assert.equal(all.stdout.trim().split("\n").length, 2);
  });
});
