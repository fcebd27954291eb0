/**
 * `oci:DIR[:tag]`: an OCI image layout on disk (oci-layout, index.json, blobs/<alg>/<hex>). The tag is
 * matched against `org.opencontainers.image.ref.name`; without one the layout must hold a single
 * image. Nested indexes are followed with platform selection. Blobs are opened as file streams.
 */
import { createReadStream, existsSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { OCI_LAYER_GZIP } from "../../registry/media-types.js";
import { type IndexEntry, isIndex, selectPlatform } from "../platform.js";
import {
  historyForLayers,
  type Image,
  ImageError,
  type LayerDescriptor,
  type Platform,
  parseImageConfig,
} from "../types.js";

const READ_CHUNK = 1 << 20;

export function blobPath(dir: string, digest: string): string {
  const m = /^([a-z0-9]+):([a-f0-9]+)$/.exec(digest);
  if (!m) throw new ImageError(`${dir}: invalid digest '${digest}'`, "bad-format");
  return join(dir, "blobs", m[1], m[2]);
}

function readJson(file: string, what: string): Record<string, unknown> {
  if (!existsSync(file)) throw new ImageError(`${file}: ${what} not found`, "not-found");
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === "EACCES" ? "permission denied" : code === "EISDIR" ? "is a directory" : (err as Error).message;
    throw new ImageError(`${file}: cannot read ${what}: ${why}`, "io");
  }
  try {
    return JSON.parse(text) as Record<string, unknown>;
  } catch (err) {
    throw new ImageError(`${file}: ${what} is not valid JSON (${(err as Error).message})`, "bad-format");
  }
}

export async function openOciLayout(
  dir: string,
  tag: string | undefined,
  platform: Platform,
  reference: string,
): Promise<Image> {
  if (!existsSync(join(dir, "oci-layout")) && !existsSync(join(dir, "index.json"))) {
    throw new ImageError(`${dir}: not an OCI image layout (no oci-layout or index.json)`, "not-found");
  }
  const index = readJson(join(dir, "index.json"), "index.json");
  const entries = (Array.isArray(index.manifests) ? index.manifests : []) as IndexEntry[];
  let entry: IndexEntry | undefined;
  if (tag) {
    entry = entries.find((e) => e.annotations?.["org.opencontainers.image.ref.name"] === tag);
    if (!entry) {
      const tags = entries.map((e) => e.annotations?.["org.opencontainers.image.ref.name"]).filter(Boolean);
      throw new ImageError(
        `${dir}: no image tagged '${tag}' (tags: ${tags.join(", ") || "none"})`,
        "not-found",
      );
    }
  } else if (entries.length === 1) {
    entry = entries[0];
  } else if (entries.some((e) => e.platform)) {
    entry = selectPlatform(entries, platform);
  } else {
    const tags = entries.map((e) => e.annotations?.["org.opencontainers.image.ref.name"]).filter(Boolean);
    throw new ImageError(
      `${dir}: the layout holds ${entries.length} images; name one as oci:${dir}:TAG (tags: ${tags.join(", ")})`,
      "bad-format",
    );
  }
  let selected: Platform | undefined;
  let manifest = readJson(blobPath(dir, entry.digest), `manifest ${entry.digest}`);
  let digest = entry.digest;
  for (let depth = 0; isIndex(manifest, entry.mediaType); depth++) {
    if (depth > 4) throw new ImageError(`${dir}: indexes nested too deeply`, "bad-format");
    const chosen = selectPlatform((manifest.manifests ?? []) as IndexEntry[], platform);
    selected = chosen.platform as Platform;
    entry = chosen;
    digest = chosen.digest;
    manifest = readJson(blobPath(dir, chosen.digest), `manifest ${chosen.digest}`);
  }
  const configDesc = manifest.config as { digest: string } | undefined;
  if (!configDesc?.digest || !Array.isArray(manifest.layers)) {
    throw new ImageError(`${dir}: manifest ${digest} has no config or layers`, "bad-format");
  }
  const config = parseImageConfig(readJson(blobPath(dir, configDesc.digest), `config ${configDesc.digest}`));
  const layerDescs = manifest.layers as { digest: string; mediaType?: string; size?: number }[];
  const createdBy = historyForLayers(config, layerDescs.length);
  const layers: LayerDescriptor[] = layerDescs.map((l, i) => {
    const file = blobPath(dir, l.digest);
    return {
      index: i,
      digest: l.digest,
      diffId: config.diffIds[i],
      mediaType: l.mediaType ?? OCI_LAYER_GZIP,
      size: typeof l.size === "number" ? l.size : existsSync(file) ? statSync(file).size : -1,
      createdBy: createdBy[i],
      open: async () => {
        if (!existsSync(file)) throw new ImageError(`${dir}: layer blob ${l.digest} is missing`, "not-found");
        return createReadStream(file, { highWaterMark: READ_CHUNK });
      },
    };
  });
  return {
    kind: "oci",
    reference,
    digest,
    configDigest: configDesc.digest,
    platform: selected,
    config,
    layers,
  };
}
