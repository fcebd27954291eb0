/**
 * `portcullis webhook install`: the manifests that run the webhook in a cluster — Namespace,
 * ServiceAccount, ConfigMap with the policy, Secret with a generated TLS certificate, Deployment
 * (two replicas, a pod that passes the restricted Pod Security Standard and `portcullis lint
 * k8s`), PodDisruptionBudget, Service, and the Validating/MutatingWebhookConfigurations with
 * caBundle and a namespaceSelector that leaves out kube-system and the webhook's own namespace.
 * The pieces it shares with `monitor install` come from src/k8s/install-manifests.ts.
 */
import { rmSync } from "node:fs";
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
  toYamlStream,
} from "../k8s/install-manifests.js";
import type { ImagePolicy } from "../policy/types.js";
import { VERSION } from "../version.js";
import { resolveTiming } from "./timing.js";
import { generateServingCert } from "./tls.js";

export interface InstallOptions {
  namespace?: string;
  image?: string;
  /** The policy file's text (goes into the ConfigMap as is). */
  policyText: string;
  policy: ImagePolicy;
  /** The webhooks' timeoutSeconds (default 10); the pods' deadline derives from it (timing.ts). */
  timeoutSeconds?: number;
  /** An explicit per-request deadline (ms), at least a second under timeoutSeconds. */
  deadlineMs?: number;
  replicas?: number;
}

const NAME = "portcullis-webhook";
const PORT = 8443;

/** The memory limit of the webhook's container (bench/webhook-work.bench.ts measures against it). */
export const MEMORY_LIMIT = "256Mi";
export const MEMORY_LIMIT_BYTES = 256 * 1024 * 1024;

export async function installManifests(opts: InstallOptions): Promise<string> {
  const ns = opts.namespace ?? "portcullis";
  const image = opts.image ?? defaultImage();
  // One setting: timeoutSeconds goes into both configurations and, with the explicit deadline
  // if any, to `webhook serve` in the pods, which derives the same deadline from it.
  const { timeoutSeconds } = resolveTiming(opts, { deadlineSetsTimeout: true });
  const svc = `${NAME}.${ns}.svc`;
  const tls = await generateServingCert([svc, `${NAME}.${ns}.svc.cluster.local`, `${NAME}.${ns}`, NAME], {
    cn: svc,
  });
  rmSync(tls.dir, { recursive: true, force: true }); // the Secret is the only copy
  const b64 = (s: string) => Buffer.from(s).toString("base64");
  const labels = componentLabels(NAME);

  const docs: Manifest[] = [
    restrictedNamespace(ns),
    serviceAccount(NAME, ns, labels, { automountToken: false }),
    policyConfigMap(NAME, ns, labels, opts.policyText),
    {
      apiVersion: "v1",
      kind: "Secret",
      type: "kubernetes.io/tls",
      metadata: { name: `${NAME}-tls`, namespace: ns, labels },
      data: { "tls.crt": b64(tls.cert), "tls.key": b64(tls.key), "ca.crt": b64(tls.caCert) },
    },
    webhookDeployment(ns, image, labels, timeoutSeconds, opts),
    {
      apiVersion: "policy/v1",
      kind: "PodDisruptionBudget",
      metadata: { name: NAME, namespace: ns, labels },
      spec: { minAvailable: 1, selector: { matchLabels: labels } },
    },
    service(NAME, ns, labels, { name: "https", port: 443 }),
    ...webhookConfigurations(ns, opts.policy, timeoutSeconds, b64(tls.caCert), labels),
  ];
  const header = `# Portcullis admission webhook ${VERSION}: apply with kubectl apply -f -\n# The Secret holds a generated TLS key; the webhooks' caBundle trusts its CA.\n`;
  return header + toYamlStream(docs);
}

/**
 * The Mutating (failurePolicy Ignore) and Validating (Fail) webhook configurations: workload
 * kinds on CREATE and UPDATE, kube-system and the webhook's namespace left out, the policy's
 * namespaceSelector applied by the API server, and one timeoutSeconds.
 */
function webhookConfigurations(
  ns: string,
  policy: ImagePolicy,
  timeoutSeconds: number,
  caBundle: string,
  labels: Labels,
): Manifest[] {
  const excluded = [...new Set(["kube-system", ns])];
  const selector = {
    matchLabels: policy.spec.namespaceSelector?.matchLabels,
    matchExpressions: [
      { key: "kubernetes.io/metadata.name", operator: "NotIn", values: excluded },
      ...(policy.spec.namespaceSelector?.matchExpressions ?? []),
    ],
  };
  if (!selector.matchLabels) delete selector.matchLabels;
  const rules = [
    {
      apiGroups: [""],
      apiVersions: ["v1"],
      operations: ["CREATE", "UPDATE"],
      resources: ["pods", "podtemplates", "replicationcontrollers"],
      scope: "Namespaced",
    },
    {
      apiGroups: ["apps"],
      apiVersions: ["v1"],
      operations: ["CREATE", "UPDATE"],
      resources: ["deployments", "replicasets", "statefulsets", "daemonsets"],
      scope: "Namespaced",
    },
    {
      apiGroups: ["batch"],
      apiVersions: ["v1"],
      operations: ["CREATE", "UPDATE"],
      resources: ["jobs", "cronjobs"],
      scope: "Namespaced",
    },
  ];
  // `kubectl debug` adds containers through the pods/ephemeralcontainers subresource, which a
  // rule for "pods" does not cover: validation must see it, or any image runs that way.
  const validateRules = [
    {
      ...rules[0],
      operations: ["CREATE", "UPDATE"],
      resources: [...rules[0].resources, "pods/ephemeralcontainers"],
    },
    ...rules.slice(1),
  ];
  const webhook = (
    name: string,
    path: string,
    failurePolicy: "Fail" | "Ignore",
    webhookRules: typeof rules = rules,
  ) => ({
    name,
    admissionReviewVersions: ["v1"],
    sideEffects: "None",
    timeoutSeconds,
    failurePolicy,
    matchPolicy: "Equivalent",
    namespaceSelector: selector,
    clientConfig: { service: { name: NAME, namespace: ns, path, port: 443 }, caBundle },
    rules: webhookRules,
  });

  return [
    {
      apiVersion: "admissionregistration.k8s.io/v1",
      kind: "MutatingWebhookConfiguration",
      metadata: { name: NAME, labels },
      webhooks: [
        { ...webhook("mutate.portcullis.dev", "/mutate", "Ignore"), reinvocationPolicy: "IfNeeded" },
      ],
    },
    {
      apiVersion: "admissionregistration.k8s.io/v1",
      kind: "ValidatingWebhookConfiguration",
      metadata: { name: NAME, labels },
      webhooks: [webhook("validate.portcullis.dev", "/validate", "Fail", validateRules)],
    },
  ];
}

/** The Deployment: two replicas of `webhook serve`, restricted Pod Security, read-only root. */
function webhookDeployment(
  ns: string,
  image: string,
  labels: Labels,
  timeoutSeconds: number,
  opts: InstallOptions,
): Manifest {
  const container = {
    name: "webhook",
    image,
    imagePullPolicy: pullPolicy(image),
    args: [
      "webhook",
      "serve",
      "--policy",
      POLICY_FILE,
      "--listen",
      `0.0.0.0:${PORT}`,
      "--tls-cert",
      "/etc/portcullis/tls/tls.crt",
      "--tls-key",
      "/etc/portcullis/tls/tls.key",
      "--timeout-seconds",
      String(timeoutSeconds),
      ...(opts.deadlineMs !== undefined ? ["--deadline", `${opts.deadlineMs}ms`] : []),
    ],
    ports: [{ name: "https", containerPort: PORT, protocol: "TCP" }],
    readinessProbe: {
      httpGet: { path: "/readyz", port: "https", scheme: "HTTPS" },
      periodSeconds: 5,
    },
    livenessProbe: {
      httpGet: { path: "/healthz", port: "https", scheme: "HTTPS" },
      periodSeconds: 10,
    },
    resources: containerResources({ request: "128Mi", limit: MEMORY_LIMIT }),
    securityContext: restrictedContainerSecurityContext(),
    volumeMounts: [
      policyMount,
      { name: "tls", mountPath: "/etc/portcullis/tls", readOnly: true },
      { name: "tmp", mountPath: "/tmp" },
    ],
  };
  return deployment({
    name: NAME,
    namespace: ns,
    labels,
    replicas: opts.replicas ?? 2,
    pod: {
      automountServiceAccountToken: false,
      securityContext: restrictedPodSecurityContext(),
      topologySpreadConstraints: [
        {
          maxSkew: 1,
          topologyKey: "kubernetes.io/hostname",
          whenUnsatisfiable: "ScheduleAnyway",
          labelSelector: { matchLabels: labels },
        },
      ],
      containers: [container],
      volumes: [
        policyVolume(NAME),
        { name: "tls", secret: { secretName: `${NAME}-tls` } },
        { name: "tmp", emptyDir: { sizeLimit: "64Mi" } },
      ],
    },
  });
}
