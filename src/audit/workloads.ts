/**
 * From the objects read to the workloads a person owns: Deployments, StatefulSets, DaemonSets,
 * CronJobs, ReplicaSets and Jobs without a controller, and bare Pods. A ReplicaSet made by a
 * Deployment, a Job made by a CronJob and a Pod made by any controller belong to their owner:
 * `ownerOf` follows ownerReferences (by uid, then kind/name) up to the top.
 */
import type { KubeObject } from "../cluster/client.js";

export interface WorkloadKey {
  kind: string;
  namespace: string;
  name: string;
}

export function workloadLabel(w: WorkloadKey): string {
  return `${w.kind} ${w.namespace}/${w.name}`;
}

function controllerRef(o: KubeObject) {
  const refs = o.metadata?.ownerReferences;
  if (!Array.isArray(refs)) return undefined;
  return refs.find((r) => r?.controller) ?? refs[0];
}

function keyOf(o: KubeObject): WorkloadKey {
  return {
    kind: String(o.kind ?? ""),
    namespace: String(o.metadata?.namespace ?? "default"),
    name: String(o.metadata?.name ?? "(unnamed)"),
  };
}

export class WorkloadIndex {
  private readonly byUid = new Map<string, KubeObject>();
  private readonly byName = new Map<string, KubeObject>();
  /** Top-level workloads, in the order read. */
  readonly workloads: KubeObject[] = [];
  readonly pods: KubeObject[] = [];

  constructor(objects: KubeObject[]) {
    for (const o of objects) {
      if (o.metadata?.uid) this.byUid.set(o.metadata.uid, o);
      const k = keyOf(o);
      this.byName.set(`${k.kind}|${k.namespace}|${k.name}`, o);
    }
    for (const o of objects) {
      if (o.kind === "Pod") this.pods.push(o);
      if (!this.parentOf(o)) this.workloads.push(o);
    }
  }

  /** The controller object, when it was read (a Pod of a Node-less static mirror has none). */
  private parentOf(o: KubeObject): KubeObject | undefined {
    const ref = controllerRef(o);
    if (!ref) return undefined;
    const byUid = ref.uid ? this.byUid.get(ref.uid) : undefined;
    if (byUid) return byUid;
    return this.byName.get(`${ref.kind}|${o.metadata?.namespace ?? "default"}|${ref.name}`);
  }

  /** The top-level workload an object belongs to (itself when it has no readable owner). */
  ownerOf(o: KubeObject): WorkloadKey {
    let cur = o;
    for (let depth = 0; depth < 5; depth++) {
      const p = this.parentOf(cur);
      if (!p) break;
      cur = p;
    }
    return keyOf(cur);
  }
}

export { keyOf as workloadKeyOf };
