/**
 * The lean tar reader and the layer scheduling: GNU long names and pax paths from real `tar`
 * output, data delivered intact across any chunking, unwanted entries skipped, truncated and
 * corrupt archives rejected with a message; layers read in parallel (and finishing out of order)
 * give exactly the results of a strictly sequential walk, whiteouts included.
 */
import assert from "node:assert/strict";
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, test } from "node:test";
import { catalogOpenedImage } from "../../src/catalog/index.js";
import { readImage } from "../../src/image/index.js";
import { readTar } from "../../src/image/tar-reader.js";
import type { EntryInfo } from "../../src/image/walk.js";
import { type LayerEntry, writeOciLayout } from "./build-layout.js";

const tmp = mkdtempSync(join(tmpdir(), "portcullis-tar-test-"));
after(() => rmSync(tmp, { recursive: true, force: true }));

async function* chunked(b: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let i = 0; i < b.length; i += size) yield b.subarray(i, i + size);
}

/** Read a tar, collecting every entry and the content of the wanted ones. */
async function collect(tarBytes: Buffer, size: number, want: (i: EntryInfo) => boolean) {
  const entries: EntryInfo[] = [];
  const data = new Map<string, Buffer>();
  await readTar(chunked(tarBytes, size), (info) => {
    entries.push(info);
    if (!want(info)) return undefined;
    const parts: Buffer[] = [];
    return {
      write: (c) => {
        parts.push(Buffer.from(c));
      },
      end: () => {
        data.set(info.path, Buffer.concat(parts));
      },
    };
  });
  return { entries, data };
}

const sha = (b: Buffer) => createHash("sha256").update(b).digest("hex");

function realTar(format: "gnu" | "pax"): Buffer {
  const root = join(tmp, `src-${format}`);
  const long = `${"deep/".repeat(30)}very-long-file-name-${"x".repeat(120)}.txt`;
  mkdirSync(join(root, long, ".."), { recursive: true });
  writeFileSync(join(root, long), "long name content\n");
  writeFileSync(join(root, "big.bin"), Buffer.alloc(700_001, 7));
  writeFileSync(join(root, "small.txt"), "hello\n");
  const out = join(tmp, `t-${format}.tar`);
  execFileSync("tar", [`--format=${format}`, "-cf", out, "-C", root, "."]);
  return readFileSync(out);
}

for (const format of ["gnu", "pax"] as const) {
  test(`GNU tar --format=${format}: long names, sizes and data intact in any chunking`, async () => {
    const t = realTar(format);
    for (const size of [1, 511, 512, 4096, 1 << 20]) {
      const { entries, data } = await collect(t, size, (i) => i.type === "file" && !i.path.startsWith("big"));
      const long = entries.find((e) => e.path.endsWith(".txt") && e.path.startsWith("deep/"));
      assert.ok(long && long.path.length > 250, `long name (${format}, chunks of ${size})`);
      assert.equal(data.get(long.path)?.toString(), "long name content\n");
      assert.equal(data.get("small.txt")?.toString(), "hello\n");
      assert.equal(entries.find((e) => e.path === "big.bin")?.size, 700_001);
      assert.ok(!data.has("big.bin"), "unwanted data is skipped");
      assert.ok(entries.some((e) => e.path === "deep" && e.type === "dir"));
    }
    // The big file, when wanted, arrives byte for byte.
    const { data } = await collect(t, 65536, (i) => i.path === "big.bin");
    assert.equal(sha(data.get("big.bin") as Buffer), sha(Buffer.alloc(700_001, 7)));
  });
}

test("truncated and corrupt archives are rejected with a message", async () => {
  const t = realTar("pax");
  await assert.rejects(
    collect(t.subarray(0, 5000), 4096, () => true),
    /unexpected end of tar data/,
  );
  const corrupt = Buffer.concat([Buffer.alloc(512, 0x41), t]);
  await assert.rejects(
    collect(corrupt, 4096, () => false),
    /invalid tar header checksum at byte 0/,
  );
});

test("layers read in parallel, finishing out of order, give the sequential result", async () => {
  const pkg = (n: string, v: string) => JSON.stringify({ name: n, version: v, license: "MIT" });
  const layers: LayerEntry[][] = [
    [
      { name: "app/node_modules/a/package.json", content: pkg("a", "1.0.0") },
      { name: "app/node_modules/b/package.json", content: pkg("b", "1.0.0") },
      { name: "srv/lib/c/package.json", content: pkg("c", "1.0.0") },
    ],
    [
      { name: "app/node_modules/.wh.a", content: "" },
      { name: "app/node_modules/b/package.json", content: pkg("b", "2.0.0") },
    ],
    [
      { name: "app/node_modules/a/package.json", content: pkg("a", "3.0.0") },
      { name: "app/node_modules/.wh..wh..opq", content: "" },
      { name: "app/node_modules/d/package.json", content: pkg("d", "1.0.0") },
    ],
    [{ name: "app/node_modules/d/package.json", content: pkg("d", "4.0.0") }],
  ];
  const dir = await writeOciLayout(join(tmp, "par"), layers);
  const show = (r: Awaited<ReturnType<typeof catalogOpenedImage>>) =>
    r.packages.map((p) => `${p.name}@${p.version} L${p.locations.map((l) => l.layerIndex).join(",")}`);
  const sequential = show(await catalogOpenedImage(await readImage(`oci:${dir}`), { parallel: 1 }));
  // The opaque dir in layer 2 hides a@1 and b@2 (and the whiteout already removed a@1); a@3 sits
  // in the same layer as the opaque marker so it stays; d@4 replaces d@1.
  assert.deepEqual(sequential, ["a@3.0.0 L2", "d@4.0.0 L3"]);
  for (const parallel of [2, 4]) {
    const img = await readImage(`oci:${dir}`);
    // Delay the lower layers so the upper ones finish first.
    for (const l of img.layers) {
      const open = l.open;
      l.open = async () => {
        await new Promise((r) => setTimeout(r, (img.layers.length - l.index) * 40));
        return open();
      };
    }
    assert.deepEqual(show(await catalogOpenedImage(img, { parallel })), sequential, `parallel ${parallel}`);
  }
});
