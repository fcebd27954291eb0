/**
 * Image read throughput: a generated OCI image (≥ 500 MB of layer tar, gzip, three layers) read by
 * the full cataloging walk (every cataloger, whiteouts, OS detection), next to `gzip -dc` and to
 * bare Node gunzip (256 KiB chunks, 1 MiB reads) of the same layer blobs, in the same run, plus
 * the walk's peak RSS and the load average. Layer content is text-like, so gzip decodes it at a
 * realistic speed. Goals: ≥ 2× gzip -dc and ≥ 0.9× bare Node gunzip. The walk is timed both as it
 * runs by default (two layers read at a time) and strictly one layer after the other.
 */
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createReadStream, createWriteStream, mkdtempSync, rmSync, statSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGunzip, createGzip } from "node:zlib";
import tar from "tar-stream";
import { catalogOpenedImage } from "../src/catalog/index.js";
import { readImage } from "../src/image/index.js";
import { writeOciLayout } from "../test/image/build-layout.js";

const MB = 1 << 20;
const TARGET = 520 * MB;

/** Write one gzip layer of about `bytes` uncompressed: 1 MiB text-like files and many small ones. */
async function writeLayer(file: string, bytes: number, layer: number): Promise<number> {
  const pack = tar.pack();
  const out = pipeline(pack, createGzip({ level: 1, chunkSize: 256 << 10 }), createWriteStream(file));
  let written = 0;
  // Text-like content (random words from a random vocabulary): gzip shrinks it about 2.5:1 and
  // decodes it at a realistic speed, unlike zero runs (trivially fast) or random bytes (stored).
  const vocab = Array.from({ length: 4096 }, () =>
    randomBytes(3 + (randomBytes(1)[0] % 8)).toString("base64url"),
  );
  const words: string[] = [];
  let len = 0;
  const pick = randomBytes(2 * MB);
  for (let k = 0; len < 4 * MB; k += 2) {
    const w = vocab[pick.readUInt16LE(k % (pick.length - 1)) % vocab.length];
    words.push(w);
    len += w.length + 1;
  }
  const random = Buffer.from(words.join(" "));
  let i = 0;
  while (written < bytes) {
    if (i % 8 === 0) {
      for (let j = 0; j < 40; j++) {
        const body = Buffer.from(`{"name":"p${layer}-${i}-${j}","version":"1.0.${j}","license":"MIT"}`);
        pack.entry({ name: `app/node_modules/p${layer}-${i}-${j}/package.json` }, body);
        written += 512 + 512;
      }
    }
    const at = (i * 65537) % (random.length - MB);
    const body = random.subarray(at, at + MB);
    await new Promise<void>((resolve, reject) =>
      pack.entry({ name: `data/l${layer}/f${i}.bin`, mode: 0o644 }, body, (err) =>
        err ? reject(err) : resolve(),
      ),
    );
    written += MB + 512;
    i++;
  }
  pack.finalize();
  await out;
  return written;
}

async function bareGunzip(files: string[]): Promise<number> {
  let n = 0;
  for (const f of files) {
    await pipeline(
      createReadStream(f, { highWaterMark: MB }),
      createGunzip({ chunkSize: 256 << 10 }),
      new Writable({
        write(c: Buffer, _e, cb) {
          n += c.length;
          cb();
        },
      }),
    );
  }
  return n;
}

const time = async <T>(fn: () => Promise<T>): Promise<[T, number]> => {
  const t0 = process.hrtime.bigint();
  const v = await fn();
  return [v, Number(process.hrtime.bigint() - t0) / 1e9];
};

export default async function (): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "portcullis-bench-image-"));
  try {
    // A layout whose three layers we then replace with big generated blobs.
    const layout = join(dir, "oci");
    const t0 = Date.now();
    const layerFiles = [join(dir, "l0.tar.gz"), join(dir, "l1.tar.gz"), join(dir, "l2.tar.gz")];
    let total = 0;
    for (let l = 0; l < 3; l++) total += await writeLayer(layerFiles[l], TARGET / 3, l);
    await writeOciLayout(layout, [[{ name: "x", content: "" }]]);
    const image = await readImage(`oci:${layout}`);
    const compressed = layerFiles.reduce((s, f) => s + statSync(f).size, 0);
    image.layers = layerFiles.map((f, i) => ({
      index: i,
      digest: `sha256:bench${i}`,
      mediaType: "application/vnd.oci.image.layer.v1.tar+gzip",
      size: statSync(f).size,
      open: async () => createReadStream(f, { highWaterMark: MB }),
    }));
    console.log(
      `  generated image: ${(total / MB).toFixed(0)} MiB of tar in 3 gzip layers (${(compressed / MB).toFixed(0)} MiB) in ${((Date.now() - t0) / 1000).toFixed(1)} s`,
    );

    // gzip -dc of the same blobs (one run: it is the slowest and the least noisy).
    let gzipSecs = Number.NaN;
    {
      const t = process.hrtime.bigint();
      const r = spawnSync("sh", ["-c", `gzip -dc ${layerFiles.join(" ")} > /dev/null`]);
      if (r.status === 0) gzipSecs = Number(process.hrtime.bigint() - t) / 1e9;
    }
    // Alternate bare gunzip and the walks, several rounds, so no side gains from running later
    // (page cache, writeback of the freshly generated files, other load on the machine). The
    // default walk reads two layers at a time (applying results bottom-up); the sequential one
    // (parallel: 1) reads one layer after the other, like the bare gunzip loop.
    const ROUNDS = 3;
    let plain = 0;
    const nodeRuns: number[] = [];
    const walkRuns: number[] = [];
    const seqRuns: number[] = [];
    let result: Awaited<ReturnType<typeof catalogOpenedImage>> | undefined;
    const rss0 = process.memoryUsage().rss;
    let peak = rss0;
    const sampled = async <T>(fn: () => Promise<T>): Promise<[T, number]> => {
      const sampler = setInterval(() => {
        peak = Math.max(peak, process.memoryUsage().rss);
      }, 20);
      try {
        return await time(fn);
      } finally {
        clearInterval(sampler);
        peak = Math.max(peak, process.memoryUsage().rss);
      }
    };
    const load0 = loadavg();
    for (let round = 0; round < ROUNDS; round++) {
      const [n, s1] = await time(() => bareGunzip(layerFiles));
      plain = n;
      nodeRuns.push(s1);
      const [r, s2] = await sampled(() => catalogOpenedImage(image));
      result = r;
      walkRuns.push(s2);
      if (round < ROUNDS - 1) {
        const [, s3] = await sampled(() => catalogOpenedImage(image, { parallel: 1 }));
        seqRuns.push(s3);
      }
    }
    const load1 = loadavg();
    const best = (xs: number[]) => Math.min(...xs);
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const mbps = (s: number) => (plain / MB / s).toFixed(0);
    const line = (name: string, xs: number[]) =>
      `  ${name.padEnd(30)} best ${best(xs).toFixed(2)} s ${mbps(best(xs)).padStart(4)} MB/s, median ${median(xs).toFixed(2)} s ${mbps(median(xs)).padStart(4)} MB/s  (${xs.length} runs)`;
    console.log(
      `  machine: ${cpus().length} CPUs, load average ${load0.map((l) => l.toFixed(2)).join(" ")} before, ${load1.map((l) => l.toFixed(2)).join(" ")} after`,
    );
    console.log(`  uncompressed layer data: ${(plain / MB).toFixed(0)} MiB`);
    console.log(
      `  ${"gzip -dc".padEnd(30)} ${Number.isNaN(gzipSecs) ? "n/a" : `${gzipSecs.toFixed(2)} s ${mbps(gzipSecs).padStart(4)} MB/s  (1 run)`}`,
    );
    console.log(line("bare Node gunzip (256 KiB)", nodeRuns));
    console.log(line("image walk (default, 2 layers)", walkRuns));
    console.log(line("image walk (one layer at a time)", seqRuns));
    console.log(
      `  found ${result?.packages.length} packages in ${result?.stats?.entries} entries (all catalogers, whiteouts, OS detection)`,
    );
    const ratios = (xs: number[]) =>
      `${(gzipSecs / best(xs)).toFixed(2)}x gzip -dc (goal ≥ 2), ${(best(nodeRuns) / best(xs)).toFixed(2)}x bare Node gunzip (goal ≥ 0.9; median ${(median(nodeRuns) / median(xs)).toFixed(2)}x)`;
    console.log(`  ratio, default walk:    ${ratios(walkRuns)}`);
    console.log(`  ratio, sequential walk: ${ratios(seqRuns)}`);
    console.log(
      `  peak RSS during the walks: ${(peak / MB).toFixed(0)} MiB (${((peak - rss0) / MB).toFixed(0)} MiB above the ${(rss0 / MB).toFixed(0)} MiB before them)`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
