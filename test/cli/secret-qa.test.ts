/** `portcullis secret docker-registry` on bad input. */
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { runCli } from "../support/cli.js";

describe("portcullis secret docker-registry: bad input", () => {
  it("-o into a directory is a usage error (was: internal error, exit 3)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "portcullis-secret-qa-"));
    const r = await runCli([
      "secret",
      "docker-registry",
      "regcred",
      "--docker-username",
      "u",
      "--docker-password",
      "p",
      "-o",
      dir,
    ]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /cannot write -o .*: is a directory/);
  });

  it("an unreadable --from-docker-config has no stray 'registry -:' prefix", async () => {
    const r = await runCli([
      "secret",
      "docker-registry",
      "regcred",
      "--from-docker-config",
      "/nonexistent/config.json",
    ]);
    assert.equal(r.code, 2);
    assert.match(
      r.stderr,
      /^portcullis secret docker-registry: cannot read Docker config \/nonexistent\/config\.json/,
    );
    assert.doesNotMatch(r.stderr, /registry -:/);
  });

  it("secret with no subcommand exits 2 (was: 0)", async () => {
    assert.equal((await runCli(["secret"])).code, 2);
  });
});
