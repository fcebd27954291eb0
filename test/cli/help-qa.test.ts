/** `portcullis help <verb> <subcommand>` shows the subcommand's help (was: the verb's). */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { runCli } from "../support/cli.js";

describe("portcullis help", () => {
  it("help lint k8s prints lint k8s's flags and examples, exit 0", async () => {
    const r = await runCli(["help", "lint", "k8s"]);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^Usage: portcullis lint k8s /);
    assert.match(r.stdout, /--pss <level\[:version\]>/);
    assert.match(r.stdout, /Examples:/);
  });

  it("every verb group's --help shows examples", async () => {
    for (const verb of ["lint", "secret", "policy", "key", "webhook"]) {
      const r = await runCli([verb, "--help"]);
      assert.equal(r.code, 0, verb);
      assert.match(r.stdout, /Examples:\n {2}(PORTCULLIS_PASSWORD=\S+ )?(portcullis|printf|helm)/, verb);
    }
  });
});
