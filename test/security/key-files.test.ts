/**
 * `key generate --force` over existing files (issue 15, item 6): the new private key is 0600
 * even when the old file was 0644 (a new file renamed over, not the old one rewritten), and a
 * symbolic link at the key path is refused, its target left as it was.
 */
import assert from "node:assert/strict";
import {
  chmodSync,
  lstatSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, describe, it } from "node:test";
import { runCli } from "../support/cli.js";

const env = { PORTCULLIS_PASSWORD: "test-password", COSIGN_PASSWORD: undefined };

describe("key generate --force writes key files safely", () => {
  const dir = mkdtempSync(join(tmpdir(), "portcullis-keyfiles-"));
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("over an existing 0644 file, the new private key is 0600 (was: kept 0644)", async () => {
    const prefix = join(dir, "loose");
    writeFileSync(`${prefix}.key`, "old\n");
    chmodSync(`${prefix}.key`, 0o644);
    const r = await runCli(["key", "generate", "--output-key-prefix", prefix, "--force"], { env });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(statSync(`${prefix}.key`).mode & 0o777, 0o600);
    assert.match(readFileSync(`${prefix}.key`, "utf8"), /ENCRYPTED SIGSTORE PRIVATE KEY/);
  });

  it("a symlink at the key path is refused and its target is not touched (was: followed)", async () => {
    const prefix = join(dir, "linked");
    const target = join(dir, "elsewhere.txt");
    writeFileSync(target, "precious\n");
    chmodSync(target, 0o644);
    symlinkSync(target, `${prefix}.key`);
    const r = await runCli(["key", "generate", "--output-key-prefix", prefix, "--force"], { env });
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /linked\.key is a symbolic link; refusing to write a key through it/);
    assert.equal(readFileSync(target, "utf8"), "precious\n");
    assert.ok(lstatSync(`${prefix}.key`).isSymbolicLink());
    assert.throws(() => statSync(`${prefix}.pub`), "nothing half-written");
  });
});
