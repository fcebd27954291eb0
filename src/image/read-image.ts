/**
 * `readImage(source)`: open an image from any supported source and return its config and layer
 * list (nothing is read from the layers yet; see walkImage). Sources: registry references,
 * `oci:DIR[:tag]`, `docker-archive:FILE[:tag]`, `dir:PATH`.
 */
import { existsSync, statSync } from "node:fs";
import type { RegistryClientOptions } from "../registry/index.js";
import { hostPlatform, parsePlatform } from "./platform.js";
import { parseSourceRef } from "./source-ref.js";
import { openDockerArchive } from "./sources/docker-archive.js";
import { openOciLayout } from "./sources/oci-layout.js";
import { type Image, ImageError, type Platform, parseImageConfig } from "./types.js";

export interface ReadImageOptions {
  /** `os/arch[/variant]` or a Platform; default linux/<host arch>. */
  platform?: string | Platform;
  /** Options for the registry client (credentials, CA file, insecure registries, ...). */
  registry?: RegistryClientOptions;
}

export async function readImage(source: string, opts: ReadImageOptions = {}): Promise<Image> {
  const platform =
    typeof opts.platform === "string" ? parsePlatform(opts.platform) : (opts.platform ?? hostPlatform());
  const ref = parseSourceRef(source);
  switch (ref.kind) {
    case "oci":
      return openOciLayout(ref.path, ref.tag, platform, source);
    case "docker-archive":
      return openDockerArchive(ref.path, ref.tag, source);
    case "dir": {
      if (!existsSync(ref.path) || !statSync(ref.path).isDirectory()) {
        throw new ImageError(`${ref.path}: not a directory`, "not-found");
      }
      return {
        kind: "dir",
        reference: source,
        config: parseImageConfig({}),
        layers: [],
        rootDir: ref.path,
      };
    }
    case "sbom":
      throw new ImageError(`${source}: an SBOM is not an image; use catalogImage or readSbom`, "unsupported");
    case "registry": {
      const { openRegistryImage } = await import("./sources/registry.js");
      return openRegistryImage(ref.ref, platform, source, opts.registry);
    }
  }
}
