/**
 * The parity table: one policy and its `lint k8s` equivalent, and manifests of every
 * pod-bearing kind (built-in, Argo Rollout and other known CRDs, an unknown CRD with a pod
 * template, image volumes, ephemeral containers). parity.test.ts runs each through `lint k8s`,
 * `check` and the webhook's validate path and asserts the rule ids written here for all three.
 */
import { defaultProjectConfig, type ProjectConfig } from "../../src/config/project-config.js";
import type { K8sRule } from "../../src/lint/k8s/rule.js";
import { containerCpuRequestMissing } from "../../src/lint/k8s/rules/container-cpu-request-missing.js";
import { containerMemoryLimitMissing } from "../../src/lint/k8s/rules/container-memory-limit-missing.js";
import { containerMemoryRequestMissing } from "../../src/lint/k8s/rules/container-memory-request-missing.js";
import { imageNoDigest } from "../../src/lint/k8s/rules/image-no-digest.js";
import { imagePullSecretMissing } from "../../src/lint/k8s/rules/image-pull-secret-missing.js";
import { imageReferenceInvalid } from "../../src/lint/k8s/rules/image-reference-invalid.js";
import { imageRegistryNotAllowed } from "../../src/lint/k8s/rules/image-registry-not-allowed.js";
import { imageTagLatest } from "../../src/lint/k8s/rules/image-tag-latest.js";

export const ALLOWED = ["ghcr.io/acme/**", "docker.io/library/*", "registry.corp.example"];
export const PRIVATE = ["registry.corp.example"];

export const POLICY_TEXT = `
apiVersion: portcullis.dev/v1alpha1
kind: ImagePolicy
spec:
  rules:
    allowedRegistries: { patterns: [${ALLOWED.map((p) => `"${p}"`).join(", ")}] }
    forbidLatest: {}
    requireDigest: { mode: warn }
    podSecurity: { level: restricted }
    resources: { mode: audit, requests: [cpu, memory], limits: [memory] }
    pullSecrets: { privateRegistries: [${PRIVATE.join(", ")}] }
`;

/** The same checks as `lint k8s` options: the rules the policy's sections run, and --pss restricted. */
export const LINT_RULES: readonly K8sRule[] = [
  imageReferenceInvalid,
  imageTagLatest,
  imageNoDigest,
  imageRegistryNotAllowed,
  imagePullSecretMissing,
  containerCpuRequestMissing,
  containerMemoryRequestMissing,
  containerMemoryLimitMissing,
];

export function lintConfig(): ProjectConfig {
  return {
    ...defaultProjectConfig(),
    allowedRegistries: ALLOWED,
    privateRegistries: PRIVATE,
    requireDigest: "warn",
  };
}

const DIGEST = `sha256:${"e".repeat(64)}`;
export const GOOD_IMAGE = `ghcr.io/acme/app:1.0@${DIGEST}`;

// biome-ignore lint/suspicious/noExplicitAny: manifests are free-form JSON, changed per case
type Obj = Record<string, any>;

/** A container that passes every rule of the policy. */
export function goodContainer(name = "app", image = GOOD_IMAGE): Obj {
  return {
    name,
    image,
    securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
    resources: { requests: { cpu: "10m", memory: "16Mi" }, limits: { memory: "32Mi" } },
  };
}

/** A pod spec that passes every rule of the policy. */
export function goodSpec(): Obj {
  return {
    securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
    containers: [goodContainer()],
  };
}

const meta = (name: string) => ({ name, namespace: "apps" });
const template = (spec: Obj) => ({ metadata: { labels: { app: "x" } }, spec });

/** Wrap a pod spec in an object of the given kind. */
export function wrap(kind: string, spec: Obj, apiVersion?: string): Obj {
  const name = kind.toLowerCase();
  switch (kind) {
    case "Pod":
      return { apiVersion: apiVersion ?? "v1", kind, metadata: meta(name), spec };
    case "PodTemplate":
      return { apiVersion: apiVersion ?? "v1", kind, metadata: meta(name), template: template(spec) };
    case "CronJob":
      return {
        apiVersion: apiVersion ?? "batch/v1",
        kind,
        metadata: meta(name),
        spec: { schedule: "* * * * *", jobTemplate: { spec: { template: template(spec) } } },
      };
    default: {
      const group: Record<string, string> = {
        Deployment: "apps/v1",
        ReplicaSet: "apps/v1",
        StatefulSet: "apps/v1",
        DaemonSet: "apps/v1",
        Job: "batch/v1",
        ReplicationController: "v1",
        Rollout: "argoproj.io/v1alpha1",
        CloneSet: "apps.kruise.io/v1alpha1",
      };
      return {
        apiVersion: apiVersion ?? group[kind] ?? "example.com/v1",
        kind,
        metadata: meta(name),
        spec: { selector: { matchLabels: { app: "x" } }, template: template(spec) },
      };
    }
  }
}

export interface ParityCase {
  name: string;
  object: Obj;
  /** Rule ids every path must report, sorted. */
  rules: string[];
  /** The admission verdict (check: no enforce-mode finding). */
  allowed: boolean;
}

function withSpec(change: (spec: Obj) => void): Obj {
  const spec = goodSpec();
  change(spec);
  return spec;
}

const privileged = withSpec((s) => {
  s.containers[0].securityContext.privileged = true;
});

const KINDS = [
  "Pod",
  "Deployment",
  "ReplicaSet",
  "StatefulSet",
  "DaemonSet",
  "Job",
  "CronJob",
  "ReplicationController",
  "PodTemplate",
  "Rollout",
  "CloneSet",
];

export const CASES: ParityCase[] = [
  ...KINDS.map((kind) => ({
    name: `a clean ${kind} passes everywhere`,
    object: wrap(kind, goodSpec()),
    rules: [],
    allowed: true,
  })),
  ...KINDS.map((kind) => ({
    name: `a privileged ${kind} is pss-restricted:privileged everywhere`,
    object: wrap(kind, privileged),
    rules: ["pss-restricted:privileged"],
    allowed: false,
  })),
  {
    name: "an untagged image is image-tag-latest everywhere (it means :latest)",
    object: wrap(
      "Deployment",
      withSpec((s) => {
        s.containers[0].image = "nginx";
      }),
    ),
    rules: ["image-no-digest", "image-tag-latest"],
    allowed: false,
  },
  {
    name: "an init container tagged latest",
    object: wrap(
      "StatefulSet",
      withSpec((s) => {
        s.initContainers = [goodContainer("init", "docker.io/library/busybox:latest")];
      }),
    ),
    rules: ["image-no-digest", "image-tag-latest"],
    allowed: false,
  },
  {
    name: "an ephemeral container from an unlisted registry",
    object: wrap(
      "Pod",
      withSpec((s) => {
        s.ephemeralContainers = [
          { ...goodContainer("debug", `evil.example/tools:1@${DIGEST}`), resources: undefined },
        ];
      }),
    ),
    rules: ["image-registry-not-allowed"],
    allowed: false,
  },
  {
    name: "an image volume from an unlisted registry, by tag",
    object: wrap(
      "Deployment",
      withSpec((s) => {
        s.volumes = [{ name: "models", image: { reference: "evil.example/weights:v1" } }];
      }),
    ),
    rules: ["image-no-digest", "image-registry-not-allowed"],
    allowed: false,
  },
  {
    name: "an untagged image volume in a Rollout",
    object: wrap(
      "Rollout",
      withSpec((s) => {
        s.volumes = [{ name: "models", image: { reference: "ghcr.io/acme/weights" } }];
      }),
    ),
    rules: ["image-no-digest", "image-tag-latest"],
    allowed: false,
  },
  {
    name: "an image volume from a private registry without pull secrets",
    object: wrap(
      "Pod",
      withSpec((s) => {
        s.volumes = [{ name: "data", image: { reference: `registry.corp.example/data:1@${DIGEST}` } }];
      }),
    ),
    rules: ["image-pull-secret-missing"],
    allowed: false,
  },
  {
    name: "an invalid image reference",
    object: wrap(
      "Job",
      withSpec((s) => {
        s.containers[0].image = "ghcr.io/Acme/App:1";
      }),
    ),
    rules: ["image-reference-invalid"],
    allowed: false,
  },
  {
    name: "missing resources are the lint resource rules, in audit mode",
    object: wrap(
      "DaemonSet",
      withSpec((s) => {
        delete s.containers[0].resources;
      }),
    ),
    rules: [
      "container-cpu-request-missing",
      "container-memory-limit-missing",
      "container-memory-request-missing",
    ],
    allowed: true,
  },
  {
    name: "an unknown CRD with a privileged pod template is read as a workload everywhere",
    object: wrap("Widget", privileged, "example.com/v1"),
    rules: ["pss-restricted:privileged"],
    allowed: false,
  },
];
