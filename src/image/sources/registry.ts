/**
 * Registry references (`nginx:1.27`, `ghcr.io/org/app@sha256:…`): manifest (with platform
 * selection from an index), config and layer blobs through the registry client, whose blob
 * streams are digest-verified as they are read. Layers are opened lazily by the walker, which
 * starts the next downloads while the current layer is applied.
 */
import { existsSync, statSync } from "node:fs";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { parseReference, type Reference } from "../../reference/index.js";
import { RegistryClient, type RegistryClientOptions } from "../../registry/index.js";
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

/** What to write instead of a local path given as an image: the prefix that fits what is there. */
function localHint(text: string): string {
  const st = statSync(text, { throwIfNoEntry: false });
  if (st?.isDirectory())
    return existsSync(join(text, "oci-layout"))
      ? `${text} is an OCI layout: write oci:${text}`
      : `${text} is a folder: write dir:${text} to read it as a root filesystem`;
  if (st?.isFile()) {
    if (/\.json$/i.test(text)) return `${text} is a file: write sbom:${text} for a CycloneDX/SPDX SBOM`;
    if (/\.tar$/i.test(text))
      return `${text} is a file: write docker-archive:${text} for a docker save archive`;
    return `${text} is a file: write docker-archive:${text} (docker save) or sbom:${text} (CycloneDX/SPDX)`;
  }
  return "for local images use oci:DIR, docker-archive:FILE, dir:PATH or sbom:FILE";
}

export async function openRegistryImage(
  refText: string,
  platform: Platform,
  reference: string,
  clientOpts: RegistryClientOptions = {},
): Promise<Image> {
  let ref: Reference;
  try {
    ref = parseReference(refText);
  } catch (err) {
    throw new ImageError(
      `'${refText}' is not an image reference (${(err as Error).message}); ${localHint(refText)}`,
      "bad-format",
    );
  }
  const client = new RegistryClient(clientOpts);
  try {
    let manifest = await client.getManifest(ref);
    let selected: Platform | undefined;
    for (let depth = 0; isIndex(manifest.json ?? {}, manifest.mediaType); depth++) {
      if (depth > 4) throw new ImageError(`${refText}: indexes nested too deeply`, "bad-format");
      const chosen = selectPlatform((manifest.json.manifests ?? []) as IndexEntry[], platform);
      selected = chosen.platform as Platform;
      manifest = await client.getManifest(`${ref.name}@${chosen.digest}`);
    }
    const json = manifest.json as {
      config?: { digest: string };
      layers?: { digest: string; mediaType?: string; size?: number }[];
      schemaVersion?: number;
    };
    if (!json.config?.digest || !Array.isArray(json.layers)) {
      throw new ImageError(
        `${refText}: manifest ${manifest.digest} (${manifest.mediaType}) is not an image manifest`,
        "unsupported",
      );
    }
    const config = parseImageConfig(
      JSON.parse((await client.getBlobBytes(ref, json.config.digest)).toString("utf8")),
    );
    const createdBy = historyForLayers(config, json.layers.length);
    const layers: LayerDescriptor[] = json.layers.map((l, i) => ({
      index: i,
      digest: l.digest,
      diffId: config.diffIds[i],
      mediaType: l.mediaType ?? OCI_LAYER_GZIP,
      size: typeof l.size === "number" ? l.size : -1,
      createdBy: createdBy[i],
      open: async () => (await client.getBlob(ref, l.digest)) as Readable,
    }));
    return {
      kind: "registry",
      reference,
      digest: manifest.digest,
      configDigest: json.config.digest,
      platform: selected,
      config,
      layers,
      close: () => client.close(),
    };
  } catch (err) {
    await client.close().catch(() => {});
    throw err;
  }
}
