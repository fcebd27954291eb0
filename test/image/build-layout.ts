/**
 * Test helper: build small OCI image layouts and docker-save archives on disk from in-memory
 * layers (tar-stream + node:zlib; zstd through the zstd CLI when present), so whiteout, opaque
 * directory, compression and archive handling are tested against real files.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { gzipSync } from "node:zlib";
import tar from "tar-stream";

export type LayerEntry =
  | { name: string; content: string | Buffer; mode?: number }
  | { name: string; dir: true }
  | { name: string; symlink: string };

export async function tarOf(entries: LayerEntry[]): Promise<Buffer> {
  const pack = tar.pack();
  const chunks: Buffer[] = [];
  pack.on("data", (c: unknown) => chunks.push(c as Buffer));
  const done = new Promise<void>((r) => pack.on("end", () => r()));
  for (const e of entries) {
    if ("dir" in e) pack.entry({ name: e.name, type: "directory", mode: 0o755 });
    else if ("symlink" in e) pack.entry({ name: e.name, type: "symlink", linkname: e.symlink });
    else pack.entry({ name: e.name, mode: e.mode ?? 0o644 }, e.content);
  }
  pack.finalize();
  await done;
  return Buffer.concat(chunks);
}

const sha = (b: Buffer) => `sha256:${createHash("sha256").update(b).digest("hex")}`;

export function zstdAvailable(): boolean {
  try {
    execFileSync("zstd", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

export type Compression = "gzip" | "zstd" | "none";

function compress(b: Buffer, c: Compression): Buffer {
  if (c === "gzip") return gzipSync(b);
  if (c === "zstd") return execFileSync("zstd", ["-q", "-c", "-3"], { input: b, maxBuffer: 1 << 30 });
  return b;
}

const MEDIA: Record<Compression, string> = {
  gzip: "application/vnd.oci.image.layer.v1.tar+gzip",
  zstd: "application/vnd.oci.image.layer.v1.tar+zstd",
  none: "application/vnd.oci.image.layer.v1.tar",
};

function putBlob(dir: string, b: Buffer): string {
  const d = sha(b);
  writeFileSync(join(dir, "blobs", "sha256", d.slice(7)), b);
  return d;
}

/** Write an OCI layout with one image tagged `tag`; returns the directory. */
export async function writeOciLayout(
  dir: string,
  layers: LayerEntry[][],
  opts: { tag?: string; compression?: Compression[]; config?: Record<string, unknown> } = {},
): Promise<string> {
  mkdirSync(join(dir, "blobs", "sha256"), { recursive: true });
  writeFileSync(join(dir, "oci-layout"), JSON.stringify({ imageLayoutVersion: "1.0.0" }));
  const tars = await Promise.all(layers.map(tarOf));
  const descs = tars.map((t, i) => {
    const c = opts.compression?.[i] ?? "gzip";
    const blob = compress(t, c);
    return { mediaType: MEDIA[c], digest: putBlob(dir, blob), size: blob.length };
  });
  const config = Buffer.from(
    JSON.stringify({
      architecture: "amd64",
      os: "linux",
      config: { User: "1000", Env: ["PATH=/usr/bin"], Cmd: ["/bin/sh"], Labels: { a: "b" }, ...opts.config },
      rootfs: { type: "layers", diff_ids: tars.map(sha) },
      history: layers.map((_, i) => ({ created_by: `layer ${i + 1}` })),
    }),
  );
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: "application/vnd.oci.image.manifest.v1+json",
      config: {
        mediaType: "application/vnd.oci.image.config.v1+json",
        digest: putBlob(dir, config),
        size: config.length,
      },
      layers: descs,
    }),
  );
  const md = putBlob(dir, manifest);
  writeFileSync(
    join(dir, "index.json"),
    JSON.stringify({
      schemaVersion: 2,
      manifests: [
        {
          mediaType: "application/vnd.oci.image.manifest.v1+json",
          digest: md,
          size: manifest.length,
          annotations: { "org.opencontainers.image.ref.name": opts.tag ?? "latest" },
        },
      ],
    }),
  );
  return dir;
}

/** Write a classic `docker save` archive (uncompressed layer tars, manifest.json). */
export async function writeDockerArchive(
  file: string,
  layers: LayerEntry[][],
  repoTag = "test/img:1",
): Promise<void> {
  const tars = await Promise.all(layers.map(tarOf));
  const config = Buffer.from(
    JSON.stringify({
      architecture: "amd64",
      os: "linux",
      config: { User: "root", Cmd: ["/bin/sh"] },
      rootfs: { type: "layers", diff_ids: tars.map(sha) },
      history: layers.map((_, i) => ({ created_by: `layer ${i + 1}` })),
    }),
  );
  const configName = `${sha(config).slice(7)}.json`;
  const layerNames = tars.map((t) => `${sha(t).slice(7)}/layer.tar`);
  const outer: LayerEntry[] = [
    { name: configName, content: config },
    ...tars.map((t, i) => ({ name: layerNames[i], content: t })),
    {
      name: "manifest.json",
      content: JSON.stringify([{ Config: configName, RepoTags: [repoTag], Layers: layerNames }]),
    },
  ];
  writeFileSync(file, await tarOf(outer));
}
