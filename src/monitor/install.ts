/**
 * `portcullis monitor install`: the manifests that run the monitor in a cluster — Namespace,
 * ServiceAccount, least-privilege RBAC (get/list/watch of workloads, pods and namespaces; write
 * policyreports, clusterpolicyreports and events; its own Lease, by name), ConfigMap with the
 * policy, a PersistentVolumeClaim for the vulnerability database and the results store, a Deployment whose pod passes the
 * restricted Pod Security Standard, and a Service for the metrics port.
 */
import { stringify } from "yaml";
import { VERSION } from "../version.js";

export interface MonitorInstallOptions {
  namespace?: string;
  image?: string;
  policyText: string;
  replicas?: number;
  metricsPort?: number;
}

export const MONITOR_NAME = "portcullis-monitor";

export function monitorManifests(opts: MonitorInstallOptions): string {
  const ns = opts.namespace ?? "portcullis";
  const image = opts.image ?? `ghcr.io/portcullis/portcullis:${VERSION}`;
  const port = opts.metricsPort ?? 9090;
  const labels = { "app.kubernetes.io/name": MONITOR_NAME, "app.kubernetes.io/part-of": "portcullis" };
  const read = ["get", "list", "watch"];
  const docs: Record<string, unknown>[] = [
    {
      apiVersion: "v1",
      kind: "Namespace",
      metadata: {
        name: ns,
        labels: {
          "pod-security.kubernetes.io/enforce": "restricted",
          "pod-security.kubernetes.io/enforce-version": "latest",
        },
      },
    },
    { apiVersion: "v1", kind: "ServiceAccount", metadata: { name: MONITOR_NAME, namespace: ns, labels } },
    {
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
    },
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "ClusterRoleBinding",
      metadata: { name: MONITOR_NAME, labels },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "ClusterRole", name: MONITOR_NAME },
      subjects: [{ kind: "ServiceAccount", name: MONITOR_NAME, namespace: ns }],
    },
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "Role",
      metadata: { name: `${MONITOR_NAME}-lease`, namespace: ns, labels },
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
    },
    {
      apiVersion: "rbac.authorization.k8s.io/v1",
      kind: "RoleBinding",
      metadata: { name: `${MONITOR_NAME}-lease`, namespace: ns, labels },
      roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: `${MONITOR_NAME}-lease` },
      subjects: [{ kind: "ServiceAccount", name: MONITOR_NAME, namespace: ns }],
    },
    {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: `${MONITOR_NAME}-policy`, namespace: ns, labels },
      data: { "policy.yaml": opts.policyText },
    },
    {
      apiVersion: "v1",
      kind: "PersistentVolumeClaim",
      metadata: { name: `${MONITOR_NAME}-data`, namespace: ns, labels },
      spec: { accessModes: ["ReadWriteOnce"], resources: { requests: { storage: "10Gi" } } },
    },
    {
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: MONITOR_NAME, namespace: ns, labels },
      spec: {
        replicas: opts.replicas ?? 1,
        selector: { matchLabels: labels },
        strategy: { type: "Recreate" },
        template: {
          metadata: { labels },
          spec: {
            serviceAccountName: MONITOR_NAME,
            securityContext: {
              runAsNonRoot: true,
              runAsUser: 65532,
              runAsGroup: 65532,
              fsGroup: 65532,
              seccompProfile: { type: "RuntimeDefault" },
            },
            containers: [
              {
                name: "monitor",
                image,
                imagePullPolicy: image.includes("@sha256:") ? "IfNotPresent" : "Always",
                args: [
                  "monitor",
                  "-A",
                  "--policy",
                  "/etc/portcullis/policy/policy.yaml",
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
                resources: {
                  requests: { cpu: "100m", memory: "256Mi" },
                  limits: { cpu: "1", memory: "1Gi" },
                },
                securityContext: {
                  allowPrivilegeEscalation: false,
                  privileged: false,
                  readOnlyRootFilesystem: true,
                  runAsNonRoot: true,
                  capabilities: { drop: ["ALL"] },
                  seccompProfile: { type: "RuntimeDefault" },
                },
                volumeMounts: [
                  { name: "policy", mountPath: "/etc/portcullis/policy", readOnly: true },
                  { name: "data", mountPath: "/var/lib/portcullis" },
                  { name: "tmp", mountPath: "/tmp" },
                ],
              },
            ],
            volumes: [
              { name: "policy", configMap: { name: `${MONITOR_NAME}-policy` } },
              { name: "data", persistentVolumeClaim: { claimName: `${MONITOR_NAME}-data` } },
              { name: "tmp", emptyDir: {} },
            ],
          },
        },
      },
    },
    {
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: MONITOR_NAME, namespace: ns, labels },
      spec: { selector: labels, ports: [{ name: "metrics", port, targetPort: "metrics", protocol: "TCP" }] },
    },
  ];
  return docs.map((d) => `---\n${stringify(d, { lineWidth: 0 })}`).join("");
}
