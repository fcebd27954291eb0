/**
 * `lint k8s` throughput: objects/second on a generated set of 10,000 workloads, and the ratio
 * to bare YAML parsing (parseAllDocuments with the same options) of the same text in the same
 * run. Goal: ratio ≥ 0.7 (linting costs at most ~43 % on top of parsing).
 */
import { performance } from "node:perf_hooks";
import { setFlagsFromString } from "node:v8";
import { runInNewContext } from "node:vm";
import { LineCounter, parseAllDocuments } from "yaml";
import { parseManifests } from "../src/k8s/load.js";
import { MANIFEST_YAML_OPTIONS } from "../src/k8s/source.js";
import { lintManifests } from "../src/lint/k8s/engine.js";

const WORKLOADS = 10_000;

function workload(i: number): string {
  const name = `svc-${i}`;
  const image =
    i % 4 === 0
      ? `nginx:1.${i % 30}`
      : i % 4 === 1
        ? `ghcr.io/acme/${name}:2.${i % 10}.0@sha256:${i.toString(16).padStart(64, "0")}`
        : i % 4 === 2
          ? "busybox"
          : `registry.corp.example/team/${name}:latest`;
  const pod = `
      securityContext:
        runAsNonRoot: ${i % 3 === 0}
        seccompProfile:
          type: RuntimeDefault
      containers:
        - name: app
          image: ${image}
          imagePullPolicy: IfNotPresent
          ports:
            - containerPort: 8080
          env:
            - name: MODE
              value: production
          securityContext:
            allowPrivilegeEscalation: false
            readOnlyRootFilesystem: ${i % 2 === 0}
            capabilities:
              drop: [ALL]
          resources:
            requests:
              cpu: ${100 + (i % 5) * 50}m
              memory: ${i % 7 === 0 ? "512MB" : "128Mi"}
            limits:
              memory: 256Mi
        - name: sidecar
          image: envoyproxy/envoy:v1.29.${i % 5}
          resources: {}`;
  if (i % 10 === 9) {
    return `apiVersion: batch/v1
kind: CronJob
metadata:
  name: ${name}
  namespace: team-${i % 20}
spec:
  schedule: "*/5 * * * *"
  jobTemplate:
    spec:
      template:
        spec:${pod.replace(/\n/g, "\n    ")}
`;
  }
  return `apiVersion: apps/v1
kind: ${i % 5 === 1 ? "StatefulSet" : "Deployment"}
metadata:
  name: ${name}
  namespace: team-${i % 20}
  labels:
    app.kubernetes.io/name: ${name}
spec:
  replicas: 2
  selector:
    matchLabels:
      app.kubernetes.io/name: ${name}
  template:
    metadata:
      labels:
        app.kubernetes.io/name: ${name}
    spec:${pod}
`;
}

/** The generated input: `n` workloads in one multi-document YAML text. */
export function generateWorkloads(n: number): string {
  return Array.from({ length: n }, (_, i) => workload(i)).join("---\n");
}

export default async function (): Promise<void> {
  setFlagsFromString("--expose-gc");
  const gc = runInNewContext("gc") as () => void;
  const text = generateWorkloads(WORKLOADS);
  const mb = Buffer.byteLength(text) / 1e6;
  const opts = {
    privateRegistries: ["registry.corp.example"],
    allowedRegistries: ["docker.io/library/*", "ghcr.io/acme/**"],
  };
  const parseOnly = (input: string) => {
    const docs = parseAllDocuments(input, { ...MANIFEST_YAML_OPTIONS, lineCounter: new LineCounter() });
    return Array.isArray(docs) ? docs.length : 1;
  };
  let findings = 0;
  let rulesMs = Number.POSITIVE_INFINITY;
  const lint = (input: string) => {
    const set = parseManifests([{ file: "bench.yaml", text: input }]);
    const t = performance.now();
    const r = lintManifests(set, opts);
    rulesMs = Math.min(rulesMs, performance.now() - t);
    findings = r.findings.length;
    return r.workloads;
  };
  // Warm up both paths on a slice, then alternate full runs; each timed run starts from a
  // collected heap so neither pays for the other's garbage. Keep the best of each.
  const slice = generateWorkloads(500);
  parseOnly(slice);
  lint(slice);
  rulesMs = Number.POSITIVE_INFINITY;
  let bestParse = Number.POSITIVE_INFINITY;
  let bestLint = Number.POSITIVE_INFINITY;
  for (let round = 0; round < 2; round++) {
    gc();
    let t = performance.now();
    if (parseOnly(text) !== WORKLOADS) throw new Error("unexpected document count");
    bestParse = Math.min(bestParse, performance.now() - t);
    gc();
    t = performance.now();
    const checked = lint(text);
    bestLint = Math.min(bestLint, performance.now() - t);
    if (checked !== WORKLOADS) throw new Error(`checked ${checked} workloads`);
  }
  const perSec = (ms: number) => Math.round((WORKLOADS / ms) * 1000);
  console.log(`  input: ${WORKLOADS} workloads, ${mb.toFixed(1)} MB of YAML, ${findings} findings`);
  console.log(
    `  bare YAML parse (parseAllDocuments): ${bestParse.toFixed(0)} ms  ${perSec(bestParse)} objects/s`,
  );
  console.log(
    `  lint k8s (parse, model, ${rulesMs.toFixed(0)} ms of rules and positions): ${bestLint.toFixed(0)} ms  ${perSec(bestLint)} objects/s`,
  );
  console.log(`  ratio lint/parse throughput: ${(bestParse / bestLint).toFixed(2)} (goal >= 0.70)`);
}
