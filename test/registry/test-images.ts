/**
 * Small real images for registry tests, built and pushed with our own client (no Docker
 * engine): a gzip'd tar layer, an OCI config, an image manifest (optionally without the
 * `mediaType` field, like umoci writes) and a two-platform OCI index. Deterministic bytes, so
 * digests are stable across runs.
 */
import { createHash } from "node:crypto";
import { gzipSync } from "node:zlib";
import { pack } from "tar-stream";
import type { RegistryClient } from "../../src/registry/client.js";
import { OCI_INDEX, OCI_MANIFEST } from "../../src/registry/media-types.js";

const sha256 = (b: Buffer) => `sha256:${createHash("sha256").update(b).digest("hex")}`;

export async function tarOf(files: Record<string, string>): Promise<Buffer> {
  const p = pack();
  const chunks: Buffer[] = [];
  p.on("data", (c: unknown) => {
    chunks.push(c as Buffer);
  });
  const done = new Promise<void>((resolve) => p.on("end", () => resolve()));
  for (const [name, content] of Object.entries(files)) {
    p.entry({ name, mode: 0o644, mtime: new Date(0), uid: 0, gid: 0 }, content);
  }
  p.finalize();
  await done;
  return Buffer.concat(chunks);
}

export interface PushedImage {
  digest: string;
  manifest: Buffer;
  config: Buffer;
  layer: Buffer;
}

export async function pushImage(
  client: RegistryClient,
  repo: string,
  tag: string,
  opts: {
    arch?: string;
    variant?: string;
    content?: string;
    omitMediaType?: boolean;
    chunkSize?: number;
  } = {},
): Promise<PushedImage> {
  const arch = opts.arch ?? "amd64";
  const tar = await tarOf({ "etc/portcullis-test": opts.content ?? `hello from ${repo}:${tag} ${arch}\n` });
  const layer = gzipSync(tar, { level: 6 });
  const config = Buffer.from(
    JSON.stringify({
      architecture: arch,
      ...(opts.variant ? { variant: opts.variant } : {}),
      os: "linux",
      config: { Cmd: ["/bin/sh"] },
      rootfs: { type: "layers", diff_ids: [sha256(tar)] },
      history: [{ created_by: "portcullis test" }],
    }),
  );
  await client.pushBlob(repo, layer, { chunkSize: opts.chunkSize });
  await client.pushBlob(repo, config);
  const manifestObj: Record<string, unknown> = {
    schemaVersion: 2,
    ...(opts.omitMediaType ? {} : { mediaType: OCI_MANIFEST }),
    config: {
      mediaType: "application/vnd.oci.image.config.v1+json",
      digest: sha256(config),
      size: config.length,
    },
    layers: [
      { mediaType: "application/vnd.oci.image.layer.v1.tar+gzip", digest: sha256(layer), size: layer.length },
    ],
  };
  const manifest = Buffer.from(JSON.stringify(manifestObj));
  const digest = await client.putManifest(repo, tag, manifest, OCI_MANIFEST);
  return { digest, manifest, config, layer };
}

export async function pushIndex(
  client: RegistryClient,
  repo: string,
  tag: string,
): Promise<{ digest: string; amd64: PushedImage; arm64: PushedImage; index: Buffer }> {
  const amd64 = await pushImage(client, repo, `${tag}-amd64`, { arch: "amd64" });
  const arm64 = await pushImage(client, repo, `${tag}-arm64`, { arch: "arm64", variant: "v8" });
  const index = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_INDEX,
      manifests: [
        {
          mediaType: OCI_MANIFEST,
          digest: amd64.digest,
          size: amd64.manifest.length,
          platform: { os: "linux", architecture: "amd64" },
        },
        {
          mediaType: OCI_MANIFEST,
          digest: arm64.digest,
          size: arm64.manifest.length,
          platform: { os: "linux", architecture: "arm64", variant: "v8" },
        },
      ],
    }),
  );
  const digest = await client.putManifest(repo, tag, index, OCI_INDEX);
  return { digest, amd64, arm64, index };
}
