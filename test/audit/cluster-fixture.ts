/**
 * A small cluster for the audit and monitor tests, shaped after the examples in the Kubernetes
 * documentation (nginx-deployment, the nginx-slim StatefulSet "web", the fluentd-elasticsearch
 * DaemonSet, the "hello" CronJob, the "pi" Job, the gb-frontend ReplicaSet) with the pods their
 * controllers would make, status as the kubelet reports it (imageID repo@sha256 digests).
 */
import { createHash } from "node:crypto";
import type { KubeObject } from "../support/kube-api-server.js";

export function digestOf(text: string): string {
  return `sha256:${createHash("sha256").update(text).digest("hex")}`;
}

function uid(text: string): string {
  const h = createHash("sha256").update(`uid:${text}`).digest("hex");
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

export function namespace(name: string, labels: Record<string, string> = {}): KubeObject {
  return {
    apiVersion: "v1",
    kind: "Namespace",
    metadata: { name, uid: uid(`ns/${name}`), labels: { "kubernetes.io/metadata.name": name, ...labels } },
    spec: { finalizers: ["kubernetes"] },
    status: { phase: "Active" },
  };
}

interface ContainerSpec {
  name: string;
  image: string;
  /** The repository the kubelet reports (default: the normalised image name). */
  repository?: string;
  /** Running digest (default: digestOf(image)); null: not started. */
  digest?: string | null;
  ports?: number[];
}

function containers(list: ContainerSpec[]) {
  return list.map((c) => ({
    name: c.name,
    image: c.image,
    ...(c.ports ? { ports: c.ports.map((p) => ({ containerPort: p, protocol: "TCP" })) } : {}),
    resources: {},
    terminationMessagePath: "/dev/termination-log",
    terminationMessagePolicy: "File",
    imagePullPolicy: "IfNotPresent",
  }));
}

function normalised(image: string): string {
  const name = image.split("@")[0]?.replace(/:[^/]+$/, "") ?? image;
  const first = name.split("/")[0] ?? "";
  if (!name.includes("/")) return `docker.io/library/${name}`;
  if (!first.includes(".") && !first.includes(":") && first !== "localhost") return `docker.io/${name}`;
  return name;
}

function statuses(list: ContainerSpec[]) {
  return list.map((c) => {
    const digest = c.digest === undefined ? digestOf(c.image) : c.digest;
    const base = { name: c.name, image: c.image, ready: digest !== null, restartCount: 0 };
    if (digest === null)
      return { ...base, imageID: "", started: false, state: { waiting: { reason: "ContainerCreating" } } };
    return {
      ...base,
      imageID: `${c.repository ?? normalised(c.image)}@${digest}`,
      containerID: `containerd://${createHash("sha256").update(`${c.name}${c.image}`).digest("hex")}`,
      started: true,
      state: { running: { startedAt: "2026-12-01T08:01:00Z" } },
    };
  });
}

function template(
  labels: Record<string, string>,
  list: ContainerSpec[],
  extra: Record<string, unknown> = {},
) {
  return {
    metadata: { labels },
    spec: {
      containers: containers(list),
      restartPolicy: "Always",
      terminationGracePeriodSeconds: 30,
      dnsPolicy: "ClusterFirst",
      securityContext: {},
      schedulerName: "default-scheduler",
      ...extra,
    },
  };
}

function owner(o: KubeObject) {
  return [
    {
      apiVersion: String(o.apiVersion),
      kind: String(o.kind),
      name: String(o.metadata?.name),
      uid: String(o.metadata?.uid),
      controller: true,
      blockOwnerDeletion: true,
    },
  ];
}

export function pod(
  ns: string,
  name: string,
  list: ContainerSpec[],
  opts: {
    owner?: KubeObject;
    labels?: Record<string, string>;
    init?: ContainerSpec[];
    ephemeral?: ContainerSpec[];
    restartPolicy?: string;
  } = {},
): KubeObject {
  const spec: Record<string, unknown> = {
    containers: containers(list),
    restartPolicy: opts.restartPolicy ?? "Always",
    terminationGracePeriodSeconds: 30,
    dnsPolicy: "ClusterFirst",
    serviceAccountName: "default",
    nodeName: "worker-1",
    securityContext: {},
    schedulerName: "default-scheduler",
  };
  const status: Record<string, unknown> = {
    phase: "Running",
    hostIP: "172.18.0.2",
    podIP: "10.244.1.7",
    startTime: "2026-12-01T08:00:30Z",
    qosClass: "BestEffort",
    conditions: [{ type: "Ready", status: "True", lastTransitionTime: "2026-12-01T08:01:00Z" }],
    containerStatuses: statuses(list),
  };
  if (opts.init) {
    spec.initContainers = containers(opts.init);
    status.initContainerStatuses = statuses(opts.init);
  }
  if (opts.ephemeral) {
    spec.ephemeralContainers = containers(opts.ephemeral);
    status.ephemeralContainerStatuses = statuses(opts.ephemeral);
  }
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: {
      name,
      namespace: ns,
      uid: uid(`pod/${ns}/${name}`),
      labels: opts.labels ?? {},
      ...(opts.owner ? { ownerReferences: owner(opts.owner) } : {}),
    },
    spec,
    status,
  };
}

function controller(
  apiVersion: string,
  kind: string,
  ns: string,
  name: string,
  spec: Record<string, unknown>,
  ownerObj?: KubeObject,
): KubeObject {
  return {
    apiVersion,
    kind,
    metadata: {
      name,
      namespace: ns,
      uid: uid(`${kind}/${ns}/${name}`),
      generation: 1,
      labels: (spec.selector as { matchLabels?: Record<string, string> } | undefined)?.matchLabels ?? {},
      ...(ownerObj ? { ownerReferences: owner(ownerObj) } : {}),
    },
    spec,
  };
}

export function deployment(ns: string, name: string, list: ContainerSpec[], replicas = 1): KubeObject[] {
  const labels = { app: name };
  const d = controller("apps/v1", "Deployment", ns, name, {
    replicas,
    selector: { matchLabels: labels },
    template: template(labels, list),
    strategy: { type: "RollingUpdate", rollingUpdate: { maxUnavailable: "25%", maxSurge: "25%" } },
  });
  const hash = createHash("sha256").update(name).digest("hex").slice(0, 10);
  const rs = controller(
    "apps/v1",
    "ReplicaSet",
    ns,
    `${name}-${hash}`,
    {
      replicas,
      selector: { matchLabels: { ...labels, "pod-template-hash": hash } },
      template: template(labels, list),
    },
    d,
  );
  const pods = Array.from({ length: replicas }, (_, i) =>
    pod(ns, `${name}-${hash}-${(i + 10).toString(36)}x${i}`, list, { owner: rs, labels }),
  );
  return [d, rs, ...pods];
}

/** The documentation's examples, in namespaces shop, batch-jobs and kube-system. */
export function docsCluster(): KubeObject[] {
  const web = controller("apps/v1", "StatefulSet", "shop", "web", {
    serviceName: "nginx",
    replicas: 1,
    selector: { matchLabels: { app: "nginx" } },
    template: template({ app: "nginx" }, [
      { name: "nginx", image: "registry.k8s.io/nginx-slim:0.8", ports: [80] },
    ]),
  });
  const fluentd = controller("apps/v1", "DaemonSet", "kube-system", "fluentd-elasticsearch", {
    selector: { matchLabels: { name: "fluentd-elasticsearch" } },
    template: template({ name: "fluentd-elasticsearch" }, [
      { name: "fluentd-elasticsearch", image: "quay.io/fluentd_elasticsearch/fluentd:v2.5.2" },
    ]),
  });
  const frontend = controller("apps/v1", "ReplicaSet", "shop", "frontend", {
    replicas: 1,
    selector: { matchLabels: { tier: "frontend" } },
    template: template({ tier: "frontend" }, [
      { name: "php-redis", image: "us-docker.pkg.dev/google-samples/containers/gke/gb-frontend:v5" },
    ]),
  });
  const hello = controller("batch/v1", "CronJob", "batch-jobs", "hello", {
    schedule: "* * * * *",
    jobTemplate: {
      spec: {
        template: template({}, [{ name: "hello", image: "busybox:1.28" }], { restartPolicy: "OnFailure" }),
      },
    },
  });
  const helloJob = controller(
    "batch/v1",
    "Job",
    "batch-jobs",
    "hello-29410080",
    { template: template({}, [{ name: "hello", image: "busybox:1.28" }], { restartPolicy: "OnFailure" }) },
    hello,
  );
  const pi = controller("batch/v1", "Job", "batch-jobs", "pi", {
    backoffLimit: 4,
    template: template({}, [{ name: "pi", image: "perl:5.34.0" }], { restartPolicy: "Never" }),
  });
  return [
    namespace("shop"),
    namespace("batch-jobs"),
    namespace("kube-system"),
    ...deployment("shop", "nginx-deployment", [{ name: "nginx", image: "nginx:1.14.2", ports: [80] }], 3),
    ...deployment("shop", "latest-app", [{ name: "app", image: "nginx:latest" }], 1),
    web,
    pod("shop", "web-0", [{ name: "nginx", image: "registry.k8s.io/nginx-slim:0.8" }], { owner: web }),
    fluentd,
    pod(
      "kube-system",
      "fluentd-elasticsearch-6kqzb",
      [{ name: "fluentd-elasticsearch", image: "quay.io/fluentd_elasticsearch/fluentd:v2.5.2" }],
      { owner: fluentd },
    ),
    frontend,
    pod(
      "shop",
      "frontend-b2zdv",
      [{ name: "php-redis", image: "us-docker.pkg.dev/google-samples/containers/gke/gb-frontend:v5" }],
      { owner: frontend },
    ),
    hello,
    helloJob,
    pod("batch-jobs", "hello-29410080-5xk2p", [{ name: "hello", image: "busybox:1.28" }], {
      owner: helloJob,
      restartPolicy: "OnFailure",
    }),
    pi,
    pod("batch-jobs", "pi-bqtcz", [{ name: "pi", image: "perl:5.34.0" }], {
      owner: pi,
      restartPolicy: "Never",
    }),
    pod("shop", "debug", [{ name: "shell", image: "busybox:1.28" }], {
      init: [{ name: "wait", image: "busybox:1.28" }],
      ephemeral: [{ name: "debugger", image: "docker.io/library/alpine:3.20" }],
    }),
  ];
}

export const TEST_POLICY = `apiVersion: portcullis.dev/v1alpha1
kind: ImagePolicy
metadata:
  name: audit-test
spec:
  defaultMode: enforce
  rules:
    allowedRegistries:
      patterns:
        - docker.io/library/*
        - registry.k8s.io
    forbidLatest: {}
`;

/** Stricter: digests required; quay.io allowed. */
export const NEXT_POLICY = `apiVersion: portcullis.dev/v1alpha1
kind: ImagePolicy
metadata:
  name: audit-next
spec:
  defaultMode: enforce
  rules:
    allowedRegistries:
      patterns:
        - docker.io/library/*
        - registry.k8s.io
        - quay.io/**
    forbidLatest: {}
    requireDigest: {}
`;
