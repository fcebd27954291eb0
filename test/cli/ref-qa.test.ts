/** `portcullis ref` on bad input: -o into a directory, a pasted wall of text, no arguments. */
import assert from "node:assert/strict";
import { tmpdir } from "node:os";
import { describe, it } from "node:test";
import { pointerLines } from "../../src/cli/verbs/ref.js";
import { runCli } from "../support/cli.js";

describe("portcullis ref: bad input", () => {
  it("-o into a directory is a usage error (was: internal error, exit 3)", async () => {
    const r = await runCli(["ref", "nginx", "-o", tmpdir()]);
    assert.equal(r.code, 2);
    assert.equal(r.stderr, `portcullis ref: cannot write -o ${tmpdir()}: is a directory\n`);
  });

  it("keeps the message of a 100000-character input short (was: the input echoed three times)", async () => {
    const r = await runCli(["ref", "-f", "json", "a".repeat(100_000)]);
    assert.equal(r.code, 2);
    assert.ok(r.stderr.length < 1000, `stderr is ${r.stderr.length} characters`);
    assert.match(r.stderr, /… \(100000 characters\)/);
  });

  it("pointerLines puts the caret under the bad character inside a window", () => {
    const input = `${"a".repeat(300)}B${"a".repeat(300)}`;
    const [shown, caret] = pointerLines(input, 300).split("\n");
    assert.equal(shown.trim()[caret.indexOf("^") - 2], "B");
    assert.equal(pointerLines("Foo/bar", 0), "  Foo/bar\n  ^\n");
  });

  it("without arguments says what is missing and where help is, exit 2", async () => {
    const r = await runCli(["ref"]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /missing required argument 'ref'/);
    assert.match(r.stderr, /run 'portcullis ref --help' for usage and examples/);
  });
});
