/**
 * The images a cluster actually runs, de-duplicated by the digest the kubelet reports
 * (`status.containerStatuses[].imageID`, and the init and ephemeral container statuses). The
 * spec's image text is kept beside it (a tag, maybe) for tag-drift checks. A container that has
 * not started yet has no imageID: it is listed by its image text with no digest.
 */
import type { KubeObject } from "../cluster/client.js";
import type { WorkloadIndex, WorkloadKey } from "./workloads.js";
import { workloadLabel } from "./workloads.js";

export interface RunningImage {
  /** sha256:… the kubelet runs; undefined when no container of it has started. */
  digest?: string;
  /** The repository of the imageID (docker.io/library/nginx), or the image text. */
  repository: string;
  /** Image texts as written in the pod specs (nginx:1.14.2, …). */
  specImages: string[];
  /** Workloads using it ("Deployment shop/web"). */
  workloads: string[];
  pods: number;
}

export interface PodImage {
  pod: KubeObject;
  owner: WorkloadKey;
  container: string;
  specImage: string;
  digest?: string;
  repository?: string;
}

const STATUS_LISTS = ["containerStatuses", "initContainerStatuses", "ephemeralContainerStatuses"] as const;
const SPEC_LISTS = ["containers", "initContainers", "ephemeralContainers"] as const;

function asArray(v: unknown): Record<string, unknown>[] {
  return Array.isArray(v)
    ? v.filter((x): x is Record<string, unknown> => Boolean(x) && typeof x === "object")
    : [];
}

/** `docker.io/library/nginx@sha256:…` or `docker-pullable://nginx@sha256:…` → repository, digest. */
export function parseImageId(imageID: string): { repository?: string; digest?: string } {
  const id = imageID.replace(/^[a-z-]+:\/\//, "");
  const at = id.lastIndexOf("@");
  if (at >= 0 && /^sha256:[0-9a-f]{64}$/.test(id.slice(at + 1))) {
    return { repository: id.slice(0, at), digest: id.slice(at + 1) };
  }
  // A bare image id (sha256:… of the config) names no registry manifest.
  return {};
}

/** Every container of every pod, with its running digest when it has started. */
export function podImages(index: WorkloadIndex): PodImage[] {
  const out: PodImage[] = [];
  for (const pod of index.pods) {
    const spec = (pod.spec ?? {}) as Record<string, unknown>;
    const status = (pod.status ?? {}) as Record<string, unknown>;
    const owner = index.ownerOf(pod);
    const running = new Map<string, { digest?: string; repository?: string }>();
    for (const list of STATUS_LISTS) {
      for (const s of asArray(status[list])) {
        if (typeof s.name === "string" && typeof s.imageID === "string")
          running.set(s.name, parseImageId(s.imageID));
      }
    }
    for (const list of SPEC_LISTS) {
      for (const c of asArray(spec[list])) {
        if (typeof c.name !== "string" || typeof c.image !== "string" || !c.image) continue;
        const r = running.get(c.name);
        out.push({
          pod,
          owner,
          container: c.name,
          specImage: c.image,
          digest: r?.digest,
          repository: r?.repository,
        });
      }
    }
  }
  return out;
}

/** Group pod images by running digest (or by image text before they start). */
export function groupImages(images: PodImage[]): RunningImage[] {
  const byKey = new Map<
    string,
    RunningImage & { podSet: Set<string>; wl: Set<string>; specs: Set<string> }
  >();
  for (const p of images) {
    const key = p.digest ?? `text:${p.specImage}`;
    let g = byKey.get(key);
    if (!g) {
      g = {
        digest: p.digest,
        repository: p.repository ?? p.specImage,
        specImages: [],
        workloads: [],
        pods: 0,
        podSet: new Set(),
        wl: new Set(),
        specs: new Set(),
      };
      byKey.set(key, g);
    }
    g.podSet.add(`${p.pod.metadata?.namespace}/${p.pod.metadata?.name}`);
    g.wl.add(workloadLabel(p.owner));
    g.specs.add(p.specImage);
  }
  return [...byKey.values()]
    .map(({ podSet, wl, specs, ...g }) => ({
      ...g,
      pods: podSet.size,
      workloads: [...wl].sort(),
      specImages: [...specs].sort(),
    }))
    .sort((a, b) => (a.repository + (a.digest ?? "")).localeCompare(b.repository + (b.digest ?? "")));
}
