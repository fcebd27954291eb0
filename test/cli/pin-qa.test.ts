/** `portcullis pin` must never rewrite a file it cannot decode (it used to corrupt Latin-1 bytes). */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, it } from "node:test";
import { runCli } from "../support/cli.js";

describe("portcullis pin: files that are not UTF-8", () => {
  it("leaves a Latin-1 Dockerfile byte for byte unchanged and reports it with its line (exit 2)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "portcullis-pin-qa-"));
    const file = join(dir, "Dockerfile");
    // The image is on a port nothing listens on: the file must be refused before any look-up.
    const bytes = Buffer.from("# caf\xe9\nFROM 127.0.0.1:9/qa/app:1.0\n", "latin1");
    writeFileSync(file, bytes);
    const r = await runCli(["pin", file, "-f", "json"]);
    assert.equal(r.code, 2, r.stderr);
    assert.deepEqual(readFileSync(file), bytes);
    const out = JSON.parse(r.stdout) as { errors: { file: string; line: number; message: string }[] };
    assert.equal(out.errors[0].file, file);
    assert.equal(out.errors[0].line, 1);
    assert.match(out.errors[0].message, /not UTF-8 text \(byte 0xE9\).*left unchanged/);
  });

  it("reports a binary file given explicitly instead of finding no images in it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "portcullis-pin-qa-"));
    const file = join(dir, "image.yaml");
    writeFileSync(file, Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x00]));
    const r = await runCli(["pin", "--check", file, "-f", "json"]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /binary content/);
  });

  it("writes -o into a missing folder as a usage error (was: internal error)", async () => {
    const dir = mkdtempSync(join(tmpdir(), "portcullis-pin-qa-"));
    writeFileSync(join(dir, "Dockerfile"), "FROM scratch\n");
    const r = await runCli([
      "pin",
      "--check",
      join(dir, "Dockerfile"),
      "-o",
      join(dir, "no", "such", "r.json"),
    ]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /cannot write -o .*r\.json: no such file or directory/);
  });
});
