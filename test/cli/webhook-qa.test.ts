/**
 * `portcullis webhook serve | install` flag checking: every bad flag is refused before the
 * server starts (exit 2 with the flag named), never an internal error or a server that cannot work.
 */
import assert from "node:assert/strict";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { readNamespaceLabels } from "../../src/cli/verbs/webhook.js";
import { runCli } from "../support/cli.js";

const POLICY = "examples/policy.yaml";

describe("portcullis webhook: flag checks", () => {
  it("serve --log-level bogus is a usage error (was: internal error from pino)", async () => {
    const r = await runCli(["webhook", "serve", "--policy", POLICY, "--log-level", "bogus"]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--log-level.*'bogus' is invalid/);
    assert.doesNotMatch(r.stderr, /internal error/);
  });

  it("serve --tls-cert that does not exist is exit 2 naming the flag (was: exit 3 'cannot start')", async () => {
    const r = await runCli([
      "webhook",
      "serve",
      "--policy",
      POLICY,
      "--tls-cert",
      "/nonexistent/tls.crt",
      "--tls-key",
      "/nonexistent/tls.key",
    ]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--tls-cert \/nonexistent\/tls\.crt: no such file or directory/);
  });

  it("serve --deadline 0 and install --deadline 40s are refused", async () => {
    const zero = await runCli(["webhook", "serve", "--policy", POLICY, "--deadline", "0"]);
    assert.equal(zero.code, 2);
    assert.match(zero.stderr, /--deadline must be greater than zero/);
    const long = await runCli(["webhook", "install", "--deadline", "40s"]);
    assert.equal(long.code, 2);
    assert.match(long.stderr, /--deadline 40s is too long/);
    assert.equal(long.stdout, "");
  });

  it("serve --namespace-labels that is not a map is refused (was: accepted and ignored)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "portcullis-webhook-qa-"));
    writeFileSync(join(dir, "labels.txt"), "FROM alpine\n");
    const r = await runCli([
      "webhook",
      "serve",
      "--policy",
      POLICY,
      "--namespace-labels",
      join(dir, "labels.txt"),
    ]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--namespace-labels .*labels\.txt: expected a YAML map of namespace/);
  });

  it("readNamespaceLabels keeps a valid map and turns label values into strings", () => {
    const dir = mkdtempSync(join(tmpdir(), "portcullis-webhook-qa-"));
    writeFileSync(join(dir, "ns.yaml"), "shop: { team: web, tier: 1 }\nempty:\n");
    assert.deepEqual(readNamespaceLabels(join(dir, "ns.yaml")), {
      shop: { team: "web", tier: "1" },
      empty: {},
    });
  });

  it("serve --secrets-dir that does not exist is refused", async () => {
    const r = await runCli(["webhook", "serve", "--policy", POLICY, "--secrets-dir", "/nonexistent/secrets"]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--secrets-dir \/nonexistent\/secrets: no such file or directory/);
  });

  it("webhook with no subcommand exits 2", async () => {
    const r = await runCli(["webhook"]);
    assert.equal(r.code, 2);
  });
});
