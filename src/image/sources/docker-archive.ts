/**
 * `docker-archive:FILE`: a `docker save` tarball (manifest.json with Config/RepoTags/Layers, or the
 * OCI layout that Docker 25+ writes alongside it). The archive is indexed by seeking over tar
 * headers, and each layer is streamed straight out of the archive; nothing is extracted.
 */
import { closeSync, createReadStream, existsSync, openSync, readSync } from "node:fs";
import { Readable } from "node:stream";
import { DOCKER_LAYER_TAR } from "../../registry/media-types.js";
import { indexTarFile, type TarMember } from "../tar-index.js";
import {
  historyForLayers,
  type Image,
  ImageError,
  type LayerDescriptor,
  parseImageConfig,
} from "../types.js";

function readMember(file: string, m: TarMember): Buffer {
  const buf = Buffer.alloc(m.size);
  const fd = openSync(file, "r");
  try {
    readSync(fd, buf, 0, m.size, m.offset);
  } finally {
    closeSync(fd);
  }
  return buf;
}

function resolveMember(members: Map<string, TarMember>, name: string, depth = 0): TarMember | undefined {
  const m = members.get(name.replace(/^\.\//, ""));
  if (m && (m.type === "2" || m.type === "1") && m.linkname && depth < 8) {
    // docker save may symlink identical layers: "abc/layer.tar -> ../def/layer.tar"
    const base = m.type === "2" ? name.split("/").slice(0, -1) : [];
    const parts = [...base];
    for (const p of m.linkname.split("/")) {
      if (p === "..") parts.pop();
      else if (p !== "." && p !== "") parts.push(p);
    }
    return resolveMember(members, parts.join("/"), depth + 1);
  }
  return m;
}

export async function openDockerArchive(
  file: string,
  tag: string | undefined,
  reference: string,
): Promise<Image> {
  if (!existsSync(file)) throw new ImageError(`${file}: no such file`, "not-found");
  const members = indexTarFile(file);
  const manifestMember = members.get("manifest.json");
  if (!manifestMember) {
    throw new ImageError(`${file}: not a docker save archive (no manifest.json)`, "bad-format");
  }
  let manifest: { Config: string; RepoTags?: string[] | null; Layers: string[] }[];
  try {
    manifest = JSON.parse(readMember(file, manifestMember).toString("utf8"));
  } catch (err) {
    throw new ImageError(
      `${file}: manifest.json is not valid JSON (${(err as Error).message})`,
      "bad-format",
    );
  }
  if (!Array.isArray(manifest) || manifest.length === 0) {
    throw new ImageError(`${file}: manifest.json lists no images`, "bad-format");
  }
  let entry = manifest[0];
  if (tag) {
    const found = manifest.find((m) => (m.RepoTags ?? []).some((t) => t === tag || t.endsWith(`/${tag}`)));
    if (!found) {
      const all = manifest.flatMap((m) => m.RepoTags ?? []);
      throw new ImageError(
        `${file}: no image tagged '${tag}' (tags: ${all.join(", ") || "none"})`,
        "not-found",
      );
    }
    entry = found;
  } else if (manifest.length > 1) {
    const all = manifest.flatMap((m) => m.RepoTags ?? []);
    throw new ImageError(
      `${file}: the archive holds ${manifest.length} images; name one as docker-archive:${file}:TAG (tags: ${all.join(", ")})`,
      "bad-format",
    );
  }
  const configMember = resolveMember(members, entry.Config);
  if (!configMember)
    throw new ImageError(`${file}: config ${entry.Config} missing from the archive`, "bad-format");
  const config = parseImageConfig(JSON.parse(readMember(file, configMember).toString("utf8")));
  const createdBy = historyForLayers(config, entry.Layers.length);
  const layers: LayerDescriptor[] = entry.Layers.map((name, i) => {
    const m = resolveMember(members, name);
    if (!m) throw new ImageError(`${file}: layer ${name} missing from the archive`, "bad-format");
    const blobDigest = /blobs\/(sha256)\/([a-f0-9]{64})$/.exec(name);
    return {
      index: i,
      digest: blobDigest ? `${blobDigest[1]}:${blobDigest[2]}` : (config.diffIds[i] ?? name),
      diffId: config.diffIds[i],
      mediaType: DOCKER_LAYER_TAR,
      size: m.size,
      createdBy: createdBy[i],
      open: async () =>
        m.size === 0
          ? Readable.from([])
          : createReadStream(file, { start: m.offset, end: m.offset + m.size - 1, highWaterMark: 1 << 20 }),
    };
  });
  const cfgDigest = /([a-f0-9]{64})(\.json)?$/.exec(entry.Config);
  return {
    kind: "docker-archive",
    reference,
    configDigest: cfgDigest ? `sha256:${cfgDigest[1]}` : undefined,
    config,
    layers,
  };
}
