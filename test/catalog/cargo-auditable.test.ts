/**
 * cargo-auditable data in Rust binaries: a real binary compiled by rustc with the `.dep-v0` link
 * section that cargo auditable emits (`cargo auditable` itself is not installed here), a C binary
 * given the section by objcopy, and the streaming scanner with the data split across chunks; then
 * the cataloger inside an image (path, layer, build-dependency flag).
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { deflateSync } from "node:zlib";
import { type AuditableCrate, scanCargoAuditable } from "../../src/catalog/cargo-auditable.js";
import { catalogImage } from "../../src/catalog/index.js";
import { writeOciLayout } from "../image/build-layout.js";

const tmp = mkdtempSync(join(tmpdir(), "portcullis-cargo-test-"));
after(() => rmSync(tmp, { recursive: true, force: true }));

function have(cmd: string, arg: string): boolean {
  try {
    execFileSync(cmd, [arg], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

const audit = {
  packages: [
    { name: "hello-audit", version: "0.3.1", source: "local", dependencies: [1, 2], root: true },
    { name: "serde", version: "1.0.188", source: "crates.io", dependencies: [] },
    { name: "cc", version: "1.0.83", source: "crates.io", kind: "build" },
  ],
};
// cargo auditable compresses with miniz_oxide at level 7 (zlib header 78 DA).
const compressed = deflateSync(JSON.stringify(audit), { level: 7 });
const expected = [
  "hello-audit@0.3.1 local runtime root",
  "serde@1.0.188 crates.io runtime",
  "cc@1.0.83 crates.io build",
];
const show = (cs: AuditableCrate[] | undefined) =>
  (cs ?? []).map((c) => `${c.name}@${c.version} ${c.source} ${c.kind}${c.root ? " root" : ""}`);

async function* chunked(b: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let i = 0; i < b.length; i += size) yield b.subarray(i, i + size);
}

function rustBinary(): Buffer {
  const src = join(tmp, "main.rs");
  writeFileSync(
    src,
    `#[used]
#[link_section = ".dep-v0"]
static AUDITABLE_VERSION_INFO: [u8; ${compressed.length}] = [${[...compressed].join(", ")}];
fn main() { println!("hello"); }
`,
  );
  const out = join(tmp, "hello-audit");
  execFileSync("rustc", ["-O", "-o", out, src], { stdio: "ignore" });
  return readFileSync(out);
}

test("a rustc-built binary with a .dep-v0 section", {
  skip: have("rustc", "--version") ? false : "rustc is not installed",
}, async () => {
  const bin = rustBinary();
  assert.equal(bin.readUInt32BE(0), 0x7f454c46, "an ELF binary");
  assert.ok(
    execFileSync("readelf", ["-S", join(tmp, "hello-audit")])
      .toString()
      .includes(".dep-v0"),
  );
  assert.deepEqual(show(await scanCargoAuditable(chunked(bin, 64 << 10))), expected);
});

test("a C binary given the section with objcopy, scanned in awkward chunk sizes", {
  skip: have("cc", "--version") && have("objcopy", "--version") ? false : "cc or objcopy missing",
}, async () => {
  writeFileSync(join(tmp, "m.c"), "int main(void) { return 0; }\n");
  execFileSync("cc", ["-o", join(tmp, "m"), join(tmp, "m.c")]);
  writeFileSync(join(tmp, "dep.z"), compressed);
  execFileSync("objcopy", [
    "--add-section",
    `.dep-v0=${join(tmp, "dep.z")}`,
    join(tmp, "m"),
    join(tmp, "m2"),
  ]);
  const bin = readFileSync(join(tmp, "m2"));
  for (const size of [7, 300, 4096, bin.length]) {
    assert.deepEqual(show(await scanCargoAuditable(chunked(bin, size))), expected, `chunks of ${size}`);
  }
  // The same binary without the section has no audit data.
  assert.equal(await scanCargoAuditable(chunked(readFileSync(join(tmp, "m")), 4096)), undefined);
});

test("the scanner on a synthetic ELF: the data split across chunks, other zlib streams ignored", async () => {
  const noise = deflateSync(Buffer.from('{"not":"audit data"}'), { level: 9 });
  const bin = Buffer.concat([
    Buffer.from([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]),
    Buffer.alloc(5000, 0x78),
    noise,
    Buffer.alloc(3000, 0x90),
    compressed,
    Buffer.alloc(100, 0),
  ]);
  for (const size of [1, 13, 512, 4099]) {
    assert.deepEqual(show(await scanCargoAuditable(chunked(bin, size))), expected, `chunks of ${size}`);
  }
  // Not an executable: never scanned.
  const notExe = Buffer.concat([Buffer.from("#!/bin/sh\n"), compressed]);
  assert.equal(await scanCargoAuditable(chunked(notExe, 4096)), undefined);
  // Audit-looking data that is not the cargo-auditable shape is an error, not a silent miss.
  const bad = Buffer.concat([Buffer.from([0x7f, 0x45, 0x4c, 0x46]), deflateSync('{"packages":[{"nam":1}]}')]);
  await assert.rejects(scanCargoAuditable(chunked(bad, 4096)), /lacks a name or version/);
});

test("in an image: packages with purl, path and layer", {
  skip: have("rustc", "--version") ? false : "rustc is not installed",
}, async () => {
  const bin = readFileSync(join(tmp, "hello-audit"));
  chmodSync(join(tmp, "hello-audit"), 0o755);
  const dir = await writeOciLayout(
    join(tmp, "layout"),
    [
      [{ name: "etc/hostname", content: "x\n" }],
      [{ name: "usr/local/bin/hello-audit", content: bin, mode: 0o755 }],
    ],
    { tag: "t" },
  );
  const r = await catalogImage(`oci:${dir}:t`, { catalogers: ["cargo-auditable", "go-binary"] });
  assert.deepEqual(
    r.packages.map((p) => [p.purl, p.foundBy, p.locations[0].path, p.locations[0].layerIndex]),
    [
      ["pkg:cargo/cc@1.0.83", "cargo-auditable", "/usr/local/bin/hello-audit", 1],
      ["pkg:cargo/hello-audit@0.3.1", "cargo-auditable", "/usr/local/bin/hello-audit", 1],
      ["pkg:cargo/serde@1.0.188", "cargo-auditable", "/usr/local/bin/hello-audit", 1],
    ],
  );
  assert.equal(r.packages[0].metadata?.buildDependency, true);
  assert.equal(r.packages[1].metadata?.root, true);
  assert.deepEqual(r.errors, []);
});
