/** `portcullis key …` on bad input: an unwritable prefix, a directory as a key. */
import assert from "node:assert/strict";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { runCli } from "../support/cli.js";

describe("portcullis key: bad input", () => {
  it("generate into a missing folder is exit 2 naming the file (was: internal error, exit 3)", async () => {
    const prefix = join(mkdtempSync(join(tmpdir(), "portcullis-key-qa-")), "missing", "release");
    const r = await runCli(["key", "generate", "--output-key-prefix", prefix], {
      env: { PORTCULLIS_PASSWORD: "qa-password" },
    });
    assert.equal(r.code, 2);
    assert.equal(
      r.stderr,
      `portcullis key generate: cannot write key file ${prefix}.key: no such file or directory\n`,
    );
  });

  it("public --key DIR says 'is a directory' rather than a bare errno code", async () => {
    const dir = mkdtempSync(join(tmpdir(), "portcullis-key-qa-"));
    const r = await runCli(["key", "public", "--key", dir]);
    assert.equal(r.code, 2);
    assert.equal(r.stderr, `portcullis key public: cannot read key ${dir}: is a directory\n`);
  });
});
