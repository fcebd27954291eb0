/**
 * The image-config fact of the policy (required labels, allowed base images): the manifest of a
 * digest, for a multi-platform image the manifest of one platform, and its config blob, read
 * through the inspector's store (the registry client). One platform is read: spec.mutation.platform
 * when the policy sets it, else linux/amd64, else the index's first image manifest (attestation
 * manifests `unknown/unknown` are never chosen). Sizes are bounded: a config larger than
 * MAX_CONFIG_BYTES is refused, not read.
 */
import { parseImageConfig } from "../image/types.js";
import type { Reference } from "../reference/index.js";
import type { RegistryClient } from "../registry/client.js";
import { type Descriptor, isIndexMediaType, MANIFEST_ACCEPT } from "../registry/media-types.js";
import { formatPlatform, parsePlatform, selectPlatform } from "../registry/platform.js";
import type { ImageConfigFact } from "./rule.js";

/** What reading a config needs from the registry client (the memory double provides it too). */
export type ConfigStore = Pick<RegistryClient, "getManifest" | "getBlobBytes">;

/** Largest config blob read (real configs are a few KiB; long histories reach a few hundred). */
export const MAX_CONFIG_BYTES = 4 * 1024 * 1024;

const DEFAULT_PLATFORM = "linux/amd64";

/** The index entry to read: the platform asked for, else linux/amd64, else the first image. */
function choose(manifests: Descriptor[], platform: string | undefined): Descriptor | undefined {
  const chosen = selectPlatform(manifests, parsePlatform(platform ?? DEFAULT_PLATFORM));
  if (chosen || platform) return chosen;
  return manifests.find(
    (d) =>
      d.annotations?.["vnd.docker.reference.type"] !== "attestation-manifest" && d.platform?.os !== "unknown",
  );
}

const stringMap = (v: unknown): Record<string, string> => {
  const out: Record<string, string> = {};
  if (v && typeof v === "object" && !Array.isArray(v))
    for (const [k, x] of Object.entries(v)) if (typeof x === "string") out[k] = x;
  return out;
};

/**
 * Labels, manifest annotations and history of the image at `digest`. Registry failures throw
 * (the inspector turns them into a failed look-up); an image that has no config to read (an
 * index without the platform, an artifact) gives a refusal, never a pass.
 */
export async function readImageConfig(
  store: ConfigStore,
  ref: Reference,
  digest: string,
  platform: string | undefined,
): Promise<ImageConfigFact> {
  const at = ref.with({ tag: undefined, digest });
  let manifest = await store.getManifest(at, { accept: MANIFEST_ACCEPT });
  let annotations = stringMap(manifest.json?.annotations);
  let chosenPlatform: string | undefined;
  if (isIndexMediaType(manifest.mediaType) || Array.isArray(manifest.json?.manifests)) {
    const entries: Descriptor[] = Array.isArray(manifest.json?.manifests) ? manifest.json.manifests : [];
    const entry = choose(entries, platform);
    if (!entry) {
      return {
        ok: false,
        message: `its image config cannot be read: the index ${digest} has no image for ${platform ?? DEFAULT_PLATFORM}`,
      };
    }
    chosenPlatform = entry.platform ? formatPlatform(entry.platform) : undefined;
    manifest = await store.getManifest(ref.with({ tag: undefined, digest: entry.digest }), {
      accept: MANIFEST_ACCEPT,
    });
    annotations = { ...annotations, ...stringMap(manifest.json?.annotations) };
  }
  const config = manifest.json?.config as { digest?: unknown; size?: unknown } | undefined;
  if (typeof config?.digest !== "string") {
    return {
      ok: false,
      message: `its image config cannot be read: manifest ${manifest.digest} is not an image`,
    };
  }
  if (typeof config.size === "number" && config.size > MAX_CONFIG_BYTES) {
    return {
      ok: false,
      message: `its image config cannot be read: ${config.size} bytes, more than the ${MAX_CONFIG_BYTES} read`,
    };
  }
  const bytes = await store.getBlobBytes(ref, config.digest, { maxBytes: MAX_CONFIG_BYTES });
  let raw: unknown;
  try {
    raw = JSON.parse(bytes.toString("utf8"));
  } catch {
    return { ok: false, message: `its image config ${config.digest} is not JSON` };
  }
  const parsed = parseImageConfig(raw);
  const fact: ImageConfigFact = {
    ok: true,
    message: "image config read",
    labels: parsed.labels,
    annotations,
    history: parsed.history.map((h) => ({
      createdBy: h.createdBy,
      comment: h.comment,
      emptyLayer: h.emptyLayer,
    })),
  };
  if (chosenPlatform) fact.platform = chosenPlatform;
  return fact;
}
