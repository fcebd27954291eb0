/**
 * The manifest digests a cluster runs right now, for `registry retention --keep-running`: every
 * pod's container statuses (`imageID`, init and ephemeral containers too) and any spec image
 * pinned by digest (a pod that has not started yet still needs its image). Pods are listed
 * cluster-wide, or namespace by namespace when the cluster-wide list is refused; a namespace that
 * refuses too is returned as unreadable, so the caller can refuse to delete on a partial view.
 */
import type { KubeClient, KubeObject } from "../cluster/client.js";
import { KubeApiError } from "../cluster/errors.js";
import { NAMESPACES, PODS } from "../cluster/resources.js";
import { parseImageId } from "./running-images.js";

export interface RunningDigests {
  /** digest → where it runs (`namespace/pod`, first few). */
  digests: Map<string, string[]>;
  /** Namespaces (or "cluster-wide") whose pods could not be listed, with the server's message. */
  unreadable: { namespace?: string; message: string }[];
  pods: number;
}

const STATUS_LISTS = ["initContainerStatuses", "containerStatuses", "ephemeralContainerStatuses"];
const SPEC_LISTS = ["initContainers", "containers", "ephemeralContainers"];
const WHERE_KEPT = 3;

function records(v: unknown): Record<string, unknown>[] {
  return Array.isArray(v)
    ? v.filter((x): x is Record<string, unknown> => typeof x === "object" && x !== null)
    : [];
}

function digestsOfPod(pod: KubeObject): Set<string> {
  const out = new Set<string>();
  const status = (pod.status ?? {}) as Record<string, unknown>;
  const spec = (pod.spec ?? {}) as Record<string, unknown>;
  for (const list of STATUS_LISTS)
    for (const s of records(status[list])) {
      const d = typeof s.imageID === "string" ? parseImageId(s.imageID).digest : undefined;
      if (d) out.add(d);
    }
  for (const list of SPEC_LISTS)
    for (const c of records(spec[list])) {
      const m = typeof c.image === "string" ? /@(sha256:[0-9a-f]{64})$/.exec(c.image) : null;
      if (m?.[1]) out.add(m[1]);
    }
  return out;
}

/** List the pods in scope and collect the digests they run. */
export async function runningDigests(client: KubeClient, namespaces?: string[]): Promise<RunningDigests> {
  const result: RunningDigests = { digests: new Map(), unreadable: [], pods: 0 };
  const add = (pods: KubeObject[]) => {
    for (const pod of pods) {
      result.pods++;
      const where = `${pod.metadata?.namespace ?? ""}/${pod.metadata?.name ?? "?"}`;
      for (const d of digestsOfPod(pod)) {
        const list = result.digests.get(d) ?? [];
        if (list.length < WHERE_KEPT) list.push(where);
        result.digests.set(d, list);
      }
    }
  };
  const listIn = async (ns: string | undefined): Promise<boolean> => {
    try {
      add((await client.list(PODS, ns)).items);
      return true;
    } catch (err) {
      if (!(err instanceof KubeApiError && err.forbidden)) throw err;
      if (ns !== undefined) result.unreadable.push({ namespace: ns, message: err.message });
      return false;
    }
  };
  if (namespaces) {
    for (const ns of namespaces) await listIn(ns);
    return result;
  }
  if (await listIn(undefined)) return result;
  let names: string[];
  try {
    names = (await client.list(NAMESPACES)).items.map((n) => n.metadata?.name ?? "").filter(Boolean);
  } catch (err) {
    if (!(err instanceof KubeApiError && err.forbidden)) throw err;
    result.unreadable.push({
      message:
        "pods cannot be listed cluster-wide and the namespaces cannot be listed either: use --namespace",
    });
    return result;
  }
  for (const ns of names.sort()) await listIn(ns);
  return result;
}
