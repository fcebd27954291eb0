/**
 * The Kubernetes resources Portcullis reads and writes, with their API paths. List items come
 * without kind/apiVersion, so each resource names them here for the objects handed on.
 */

export interface ResourceType {
  group: string;
  version: string;
  /** Plural, as in the path. */
  resource: string;
  kind: string;
  namespaced: boolean;
}

export const NAMESPACES: ResourceType = {
  group: "",
  version: "v1",
  resource: "namespaces",
  kind: "Namespace",
  namespaced: false,
};
export const PODS: ResourceType = {
  group: "",
  version: "v1",
  resource: "pods",
  kind: "Pod",
  namespaced: true,
};
export const EVENTS: ResourceType = {
  group: "",
  version: "v1",
  resource: "events",
  kind: "Event",
  namespaced: true,
};
export const LEASES: ResourceType = {
  group: "coordination.k8s.io",
  version: "v1",
  resource: "leases",
  kind: "Lease",
  namespaced: true,
};
export const POLICY_REPORTS: ResourceType = {
  group: "wgpolicyk8s.io",
  version: "v1alpha2",
  resource: "policyreports",
  kind: "PolicyReport",
  namespaced: true,
};
export const CLUSTER_POLICY_REPORTS: ResourceType = {
  group: "wgpolicyk8s.io",
  version: "v1alpha2",
  resource: "clusterpolicyreports",
  kind: "ClusterPolicyReport",
  namespaced: false,
};

/** The workload kinds `audit` lists, controllers first, bare pods last. */
export const WORKLOAD_RESOURCES: ResourceType[] = [
  { group: "apps", version: "v1", resource: "deployments", kind: "Deployment", namespaced: true },
  { group: "apps", version: "v1", resource: "statefulsets", kind: "StatefulSet", namespaced: true },
  { group: "apps", version: "v1", resource: "daemonsets", kind: "DaemonSet", namespaced: true },
  { group: "apps", version: "v1", resource: "replicasets", kind: "ReplicaSet", namespaced: true },
  { group: "batch", version: "v1", resource: "jobs", kind: "Job", namespaced: true },
  { group: "batch", version: "v1", resource: "cronjobs", kind: "CronJob", namespaced: true },
  PODS,
];

export function apiVersionOf(t: ResourceType): string {
  return t.group ? `${t.group}/${t.version}` : t.version;
}

/** The collection path, cluster-wide when namespace is undefined; with a name, the object's path. */
export function resourcePath(t: ResourceType, namespace?: string, name?: string): string {
  const base = t.group ? `/apis/${t.group}/${t.version}` : `/api/${t.version}`;
  const ns = t.namespaced && namespace !== undefined ? `/namespaces/${encodeURIComponent(namespace)}` : "";
  return `${base}${ns}/${t.resource}${name !== undefined ? `/${encodeURIComponent(name)}` : ""}`;
}
