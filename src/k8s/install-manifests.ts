/**
 * The pieces `webhook install` and `monitor install` both print, built once so the two
 * installs cannot drift: the restricted Namespace, the ServiceAccount, the policy ConfigMap,
 * a ServiceAccount's (Cluster)RoleBinding, a Deployment whose pod passes
 * the restricted Pod Security Standard (non-root user 65532, RuntimeDefault seccomp, no
 * privilege escalation, every capability dropped, read-only root), its resources, a Service,
 * and the YAML stream. Each install keeps what is its own (args, probes, volumes, RBAC rules).
 */
import { stringify } from "yaml";
import { VERSION } from "../version.js";

export type Manifest = Record<string, unknown>;
export type Labels = Record<string, string>;

/** The image an install runs when none is named: this version's release image. */
export const defaultImage = (): string => `ghcr.io/portcullis/portcullis:${VERSION}`;

/** The labels every object of one component carries (also its pods' selector). */
export const componentLabels = (name: string): Labels => ({
  "app.kubernetes.io/name": name,
  "app.kubernetes.io/part-of": "portcullis",
});

/** The install's Namespace, which enforces the restricted Pod Security Standard. */
export function restrictedNamespace(ns: string): Manifest {
  return {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: {
      name: ns,
      labels: {
        "pod-security.kubernetes.io/enforce": "restricted",
        "pod-security.kubernetes.io/enforce-version": "latest",
      },
    },
  };
}

/** The component's ServiceAccount; `automountToken: false` for one that never calls the API. */
export function serviceAccount(
  name: string,
  ns: string,
  labels: Labels,
  opts: { automountToken?: false } = {},
): Manifest {
  return {
    apiVersion: "v1",
    kind: "ServiceAccount",
    metadata: { name, namespace: ns, labels },
    ...(opts.automountToken === false ? { automountServiceAccountToken: false } : {}),
  };
}

/** The ConfigMap `NAME-policy` holding the policy file's text as `policy.yaml`. */
export function policyConfigMap(name: string, ns: string, labels: Labels, policyText: string): Manifest {
  return {
    apiVersion: "v1",
    kind: "ConfigMap",
    metadata: { name: `${name}-policy`, namespace: ns, labels },
    data: { "policy.yaml": policyText },
  };
}

/** Where the policy ConfigMap is mounted in the pod, and the file `--policy` names there. */
export const POLICY_DIR = "/etc/portcullis/policy";
export const POLICY_FILE = `${POLICY_DIR}/policy.yaml`;

/** The policy ConfigMap as a pod volume named "policy", and its read-only mount. */
export const policyVolume = (name: string): Manifest => ({
  name: "policy",
  configMap: { name: `${name}-policy` },
});
export const policyMount: Manifest = { name: "policy", mountPath: POLICY_DIR, readOnly: true };

/**
 * A (Cluster)RoleBinding of the (Cluster)Role `role` to the component's ServiceAccount; a
 * namespace makes it a RoleBinding.
 */
export function serviceAccountBinding(
  kind: "ClusterRoleBinding" | "RoleBinding",
  role: string,
  account: { name: string; namespace: string },
  labels: Labels,
): Manifest {
  const roleKind = kind === "RoleBinding" ? "Role" : "ClusterRole";
  return {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind,
    metadata: { name: role, ...(kind === "RoleBinding" ? { namespace: account.namespace } : {}), labels },
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: roleKind, name: role },
    subjects: [{ kind: "ServiceAccount", name: account.name, namespace: account.namespace }],
  };
}

/** A Service in front of the component's pods: one TCP port to the container port of that name. */
export function service(
  name: string,
  ns: string,
  labels: Labels,
  port: { name: string; port: number },
): Manifest {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name, namespace: ns, labels },
    spec: {
      selector: labels,
      ports: [{ name: port.name, port: port.port, targetPort: port.name, protocol: "TCP" }],
    },
  };
}

/** A tag can move: without a digest, pull on every start rather than keep a stale copy. */
export const pullPolicy = (image: string): string => (image.includes("@sha256:") ? "IfNotPresent" : "Always");

/** One container's requests and limits (CPU: 100m requested, one core at most). */
export function containerResources(memory: { request: string; limit: string }): Manifest {
  return {
    requests: { cpu: "100m", memory: memory.request },
    limits: { cpu: "1", memory: memory.limit },
  };
}

/** The container securityContext the restricted Pod Security Standard and `lint k8s` ask for. */
export function restrictedContainerSecurityContext(): Manifest {
  return {
    allowPrivilegeEscalation: false,
    privileged: false,
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    capabilities: { drop: ["ALL"] },
    seccompProfile: { type: "RuntimeDefault" },
  };
}

/** The pod securityContext: the distroless non-root user 65532; `fsGroup` when it writes a volume. */
export function restrictedPodSecurityContext(opts: { fsGroup?: boolean } = {}): Manifest {
  return {
    runAsNonRoot: true,
    runAsUser: 65532,
    runAsGroup: 65532,
    ...(opts.fsGroup ? { fsGroup: 65532 } : {}),
    seccompProfile: { type: "RuntimeDefault" },
  };
}

export interface DeploymentParts {
  name: string;
  namespace: string;
  labels: Labels;
  replicas: number;
  /** e.g. `{ type: "Recreate" }` for a pod that must not run twice on one volume. */
  strategy?: Manifest;
  /** Pod spec fields after serviceAccountName (securityContext, containers, volumes, …), in order. */
  pod: Manifest;
}

/** A Deployment of the component's pods, run as its ServiceAccount and selected by its labels. */
export function deployment(parts: DeploymentParts): Manifest {
  const { name, labels } = parts;
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name, namespace: parts.namespace, labels },
    spec: {
      replicas: parts.replicas,
      selector: { matchLabels: labels },
      ...(parts.strategy ? { strategy: parts.strategy } : {}),
      template: {
        metadata: { labels },
        spec: { serviceAccountName: name, ...parts.pod },
      },
    },
  };
}

/** The manifests as one YAML stream (`---` before each document), for `kubectl apply -f -`. */
export function toYamlStream(docs: Manifest[]): string {
  return docs.map((d) => `---\n${stringify(d, { lineWidth: 0 })}`).join("");
}
