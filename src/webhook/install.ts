/**
 * `portcullis webhook install`: the manifests that run the webhook in a cluster — Namespace,
 * ServiceAccount, ConfigMap with the policy, Secret with a generated TLS certificate, Deployment
 * (two replicas, a pod that passes the restricted Pod Security Standard and `portcullis lint
 * k8s`), PodDisruptionBudget, Service, and the Validating/MutatingWebhookConfigurations with
 * caBundle and a namespaceSelector that leaves out kube-system and the webhook's own namespace.
 */
import { rmSync } from "node:fs";
import { stringify } from "yaml";
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
  const image = opts.image ?? `ghcr.io/portcullis/portcullis:${VERSION}`;
  // One setting: timeoutSeconds goes into both configurations and, with the explicit deadline
  // if any, to `webhook serve` in the pods, which derives the same deadline from it.
  const { timeoutSeconds } = resolveTiming(opts, { deadlineSetsTimeout: true });
  const service = `${NAME}.${ns}.svc`;
  const tls = await generateServingCert([service, `${NAME}.${ns}.svc.cluster.local`, `${NAME}.${ns}`, NAME], {
    cn: service,
  });
  rmSync(tls.dir, { recursive: true, force: true }); // the Secret is the only copy
  const b64 = (s: string) => Buffer.from(s).toString("base64");
  const labels = { "app.kubernetes.io/name": NAME, "app.kubernetes.io/part-of": "portcullis" };

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
    {
      apiVersion: "v1",
      kind: "ServiceAccount",
      metadata: { name: NAME, namespace: ns, labels },
      automountServiceAccountToken: false,
    },
    {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: `${NAME}-policy`, namespace: ns, labels },
      data: { "policy.yaml": opts.policyText },
    },
    {
      apiVersion: "v1",
      kind: "Secret",
      type: "kubernetes.io/tls",
      metadata: { name: `${NAME}-tls`, namespace: ns, labels },
      data: { "tls.crt": b64(tls.cert), "tls.key": b64(tls.key), "ca.crt": b64(tls.caCert) },
    },
    deployment(ns, image, labels, timeoutSeconds, opts),
    {
      apiVersion: "policy/v1",
      kind: "PodDisruptionBudget",
      metadata: { name: NAME, namespace: ns, labels },
      spec: { minAvailable: 1, selector: { matchLabels: labels } },
    },
    {
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: NAME, namespace: ns, labels },
      spec: { selector: labels, ports: [{ name: "https", port: 443, targetPort: "https", protocol: "TCP" }] },
    },
    ...webhookConfigurations(ns, opts.policy, timeoutSeconds, b64(tls.caCert), labels),
  ];
  const header = `# Portcullis admission webhook ${VERSION}: apply with kubectl apply -f -\n# The Secret holds a generated TLS key; the webhooks' caBundle trusts its CA.\n`;
  return header + docs.map((d) => `---\n${stringify(d, { lineWidth: 0 })}`).join("");
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
  labels: Record<string, string>,
): Record<string, unknown>[] {
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
function deployment(
  ns: string,
  image: string,
  labels: Record<string, string>,
  timeoutSeconds: number,
  opts: InstallOptions,
): Record<string, unknown> {
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: NAME, namespace: ns, labels },
    spec: {
      replicas: opts.replicas ?? 2,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: {
          serviceAccountName: NAME,
          automountServiceAccountToken: false,
          securityContext: {
            runAsNonRoot: true,
            runAsUser: 65532,
            runAsGroup: 65532,
            seccompProfile: { type: "RuntimeDefault" },
          },
          topologySpreadConstraints: [
            {
              maxSkew: 1,
              topologyKey: "kubernetes.io/hostname",
              whenUnsatisfiable: "ScheduleAnyway",
              labelSelector: { matchLabels: labels },
            },
          ],
          containers: [
            {
              name: "webhook",
              image,
              // A tag can move: without a digest, pull on every start rather than keep a stale copy.
              imagePullPolicy: image.includes("@sha256:") ? "IfNotPresent" : "Always",
              args: [
                "webhook",
                "serve",
                "--policy",
                "/etc/portcullis/policy/policy.yaml",
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
              resources: {
                requests: { cpu: "100m", memory: "128Mi" },
                limits: { cpu: "1", memory: MEMORY_LIMIT },
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
                { name: "tls", mountPath: "/etc/portcullis/tls", readOnly: true },
                { name: "tmp", mountPath: "/tmp" },
              ],
            },
          ],
          volumes: [
            { name: "policy", configMap: { name: `${NAME}-policy` } },
            { name: "tls", secret: { secretName: `${NAME}-tls` } },
            { name: "tmp", emptyDir: { sizeLimit: "64Mi" } },
          ],
        },
      },
    },
  };
}
