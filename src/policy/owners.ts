/**
 * Which workload names an object answers to for `spec.exceptions`, counting only what the API
 * server vouches for. The reviewed object always answers to its own kind and name (the request
 * names it). A pod's (or ReplicaSet's, Job's) `metadata.ownerReferences` are text written by
 * whoever creates it, so they count only when the request comes from the controller that creates
 * such objects for such owners — `userInfo.username` is the controller's service account
 * (`system:serviceaccount:kube-system:replicaset-controller`, …) or the controller manager
 * itself (`system:kube-controller-manager`) — and the reference is the controlling one. That
 * controller only creates objects for owners that exist, and the owner was itself reviewed.
 * Without a vouched requester (`check`, or a pod created by a user), owner references are
 * ignored: an exception for a Deployment never covers a hand-made pod that claims to be its.
 */
/** The reviewed object by kind and name. */
interface ObjectName {
  kind: string;
  name?: string;
}

const SA = "system:serviceaccount:kube-system:";
const CONTROLLER_MANAGER = "system:kube-controller-manager";

/** Owner kind → the built-in controller's service account that creates the owned objects. */
const CONTROLLER_OF: Record<string, string> = {
  ReplicaSet: `${SA}replicaset-controller`,
  ReplicationController: `${SA}replication-controller`,
  StatefulSet: `${SA}statefulset-controller`,
  DaemonSet: `${SA}daemon-set-controller`,
  Job: `${SA}job-controller`,
  Deployment: `${SA}deployment-controller`,
  CronJob: `${SA}cronjob-controller`,
};

interface OwnerReference {
  kind?: unknown;
  name?: unknown;
  controller?: unknown;
}

/** Is this owner reference vouched for by the requester (its controller created the object)? */
export function ownerVouched(owner: OwnerReference, username: string | undefined): boolean {
  if (!username || owner.controller !== true || typeof owner.kind !== "string") return false;
  const controller = CONTROLLER_OF[owner.kind];
  return controller !== undefined && (username === controller || username === CONTROLLER_MANAGER);
}

/** The names an object answers to for exceptions: its own, and its vouched controller's. */
export function exceptionNames(
  obj: Record<string, unknown>,
  id: ObjectName,
  requester: { username?: string } | undefined,
): { kind: string; name: string }[] {
  const out: { kind: string; name: string }[] = [];
  if (id.name) out.push({ kind: id.kind, name: id.name });
  const md = (obj.metadata ?? {}) as { ownerReferences?: unknown; labels?: Record<string, string> };
  if (!Array.isArray(md.ownerReferences)) return out;
  for (const o of md.ownerReferences as OwnerReference[]) {
    if (!o || typeof o !== "object" || typeof o.name !== "string" || !o.name) continue;
    if (!ownerVouched(o, requester?.username)) continue;
    const kind = o.kind as string;
    out.push({ kind, name: o.name });
    // The Deployment of a ReplicaSet and the CronJob of a Job, by the controllers' naming:
    // `<deployment>-<pod-template-hash>` and `<cronjob>-<scheduled time>`.
    const hash = md.labels?.["pod-template-hash"];
    if (kind === "ReplicaSet" && hash && o.name.endsWith(`-${hash}`)) {
      out.push({ kind: "Deployment", name: o.name.slice(0, -hash.length - 1) });
    }
    const job = /^(.*)-\d+$/.exec(o.name);
    if (kind === "Job" && job) out.push({ kind: "CronJob", name: job[1] });
  }
  return out;
}
