/**
 * `portcullis monitor install`: the manifests that run the monitor in a cluster — Namespace,
 * ServiceAccount, least-privilege RBAC (get/list/watch of workloads, pods and namespaces; write
 * policyreports, clusterpolicyreports and events; its own Lease, by name), ConfigMap with the
 * policy, a PersistentVolumeClaim for the vulnerability database and the results store, a Deployment whose pod passes the
 * restricted Pod Security Standard, and a Service for the metrics port. The pieces it shares
 * with `webhook install` come from src/k8s/install-manifests.ts.
 */
import {
  componentLabels,
  containerResources,
  defaultImage,
  deployment,
  type Labels,
  type Manifest,
  POLICY_FILE,
  policyConfigMap,
  policyMount,
  policyVolume,
  pullPolicy,
  restrictedContainerSecurityContext,
  restrictedNamespace,
  restrictedPodSecurityContext,
  service,
  serviceAccount,
  serviceAccountBinding,
  toYamlStream,
} from "../k8s/install-manifests.js";

export interface MonitorInstallOptions {
  namespace?: string;
  image?: string;
  policyText: string;
  replicas?: number;
  metricsPort?: number;
}

export const MONITOR_NAME = "portcullis-monitor";
const LEASE_ROLE = `${MONITOR_NAME}-lease`;
const DATA_CLAIM = `${MONITOR_NAME}-data`;

export function monitorManifests(opts: MonitorInstallOptions): string {
  const ns = opts.namespace ?? "portcullis";
  const port = opts.metricsPort ?? 9090;
  const labels = componentLabels(MONITOR_NAME);
  const account = { name: MONITOR_NAME, namespace: ns };
  return toYamlStream([
    restrictedNamespace(ns),
    serviceAccount(MONITOR_NAME, ns, labels),
    clusterRole(labels),
    serviceAccountBinding("ClusterRoleBinding", MONITOR_NAME, account, labels),
    leaseRole(ns, labels),
    serviceAccountBinding("RoleBinding", LEASE_ROLE, account, labels),
    policyConfigMap(MONITOR_NAME, ns, labels, opts.policyText),
    {
      apiVersion: "v1",
      kind: "PersistentVolumeClaim",
      metadata: { name: DATA_CLAIM, namespace: ns, labels },
      spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "10Gi" } } },
    },
    monitorDeployment(ns, labels, opts.image ?? defaultImage(), port, opts.replicas ?? 1),
    service(MONITOR_NAME, ns, labels, { name: "metrics", port }),
  ]);
}

/** Read the workloads, pods and namespaces everywhere; write PolicyReports and Events. */
function clusterRole(labels: Labels): Manifest {
  const read = ["get", "list", "watch"];
  return {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "ClusterRole",
    metadata: { name: MONITOR_NAME, labels },
    rules: [
      { apiGroups: [""], resources: ["pods", "namespaces"], verbs: read },
      {
        apiGroups: ["apps"],
        resources: ["deployments", "statefulsets", "daemonsets", "replicasets"],
        verbs: read,
      },
      { apiGroups: ["batch"], resources: ["jobs", "cronjobs"], verbs: read },
      {
        apiGroups: ["wgpolicyk8s.io"],
        resources: ["policyreports", "clusterpolicyreports"],
        verbs: ["get", "list", "create", "update"],
      },
      { apiGroups: [""], resources: ["events"], verbs: ["create"] },
    ],
  };
}

/** Its own Lease (leader election), by name, in its namespace. */
function leaseRole(ns: string, labels: Labels): Manifest {
  return {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "Role",
    metadata: { name: LEASE_ROLE, namespace: ns, labels },
    rules: [
      // create cannot be limited by name (the name is not known at authorisation time).
      { apiGroups: ["coordination.k8s.io"], resources: ["leases"], verbs: ["create"] },
      {
        apiGroups: ["coordination.k8s.io"],
        resources: ["leases"],
        resourceNames: [MONITOR_NAME],
        verbs: ["get", "update"],
      },
    ],
  };
}

/** One `monitor -A` pod (Recreate: the data volume is ReadWriteOnce), metrics on `port`. */
function monitorDeployment(
  ns: string,
  labels: Labels,
  image: string,
  port: number,
  replicas: number,
): Manifest {
  const container = {
    name: "monitor",
    image,
    imagePullPolicy: pullPolicy(image),
    args: [
      "monitor",
      "-A",
      "--policy",
      POLICY_FILE,
      "--results-db",
      "/var/lib/portcullis/results.db",
      "--db",
      "/var/lib/portcullis/vuln.db",
      "--metrics-listen",
      `0.0.0.0:${port}`,
      "--lease-namespace",
      ns,
    ],
    env: [{ name: "POD_NAME", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } }],
    ports: [{ name: "metrics", containerPort: port, protocol: "TCP" }],
    readinessProbe: { httpGet: { path: "/readyz", port: "metrics" }, periodSeconds: 10 },
    livenessProbe: { httpGet: { path: "/healthz", port: "metrics" }, periodSeconds: 20 },
    resources: containerResources({ request: "256Mi", limit: "1Gi" }),
    securityContext: restrictedContainerSecurityContext(),
    volumeMounts: [
      policyMount,
      { name: "data", mountPath: "/var/lib/portcullis" },
      { name: "tmp", mountPath: "/tmp" },
    ],
  };
  return deployment({
    name: MONITOR_NAME,
    namespace: ns,
    labels,
    replicas,
    strategy: { type: "Recreate" },
    pod: {
      securityContext: restrictedPodSecurityContext({ fsGroup: true }),
      containers: [container],
      volumes: [
        policyVolume(MONITOR_NAME),
        { name: "data", persistentVolumeClaim: { claimName: DATA_CLAIM } },
        { name: "tmp", emptyDir: {} },
      ],
    },
  });
}
