/**
 * Report writing on a large input: `lint k8s -f json` and `-f sarif` on one 50 MB manifest of
 * 50,000 Deployments, run as the real CLI, with its wall time and peak RSS (from
 * /usr/bin/time). The reports are streamed, so the peak stays near the size of the parsed input
 * and findings rather than growing with one report string (which used to fail with "Invalid
 * string length"). Run by bench/run.ts like every *.bench.ts.
 */
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";

const DEPLOYMENTS = 50_000;

function deployment(i: number): string {
  const name = `svc-${i}`;
  return `apiVersion: apps/v1
kind: Deployment
metadata:
  name: ${name}
  namespace: team-${i % 20}
  labels:
    app.kubernetes.io/name: ${name}
    app.kubernetes.io/part-of: bench-${i % 50}
spec:
  replicas: 2
  selector:
    matchLabels:
      app.kubernetes.io/name: ${name}
  template:
    metadata:
      labels:
        app.kubernetes.io/name: ${name}
    spec:
      containers:
        - name: app
          image: ${i % 2 === 0 ? `nginx:1.${i % 30}` : "busybox"}
          ports:
            - containerPort: 8080
          env:
            - name: MODE
              value: production
            - name: INSTANCE
              value: "${i}"
          securityContext:
            allowPrivilegeEscalation: true
          resources:
            requests:
              cpu: 100m
        - name: sidecar
          image: envoyproxy/envoy:v1.29.${i % 5}
`;
}

/** `n` Deployments as one multi-document YAML text. */
export function generateDeployments(n: number): string {
  return Array.from({ length: n }, (_, i) => deployment(i)).join("---\n");
}

export default async function (): Promise<void> {
  if (!existsSync("/usr/bin/time")) {
    console.log("  skipped: /usr/bin/time is needed to read the peak RSS");
    return;
  }
  const dir = mkdtempSync(join(tmpdir(), "portcullis-report-bench-"));
  try {
    const input = join(dir, "deployments.yaml");
    writeFileSync(input, generateDeployments(DEPLOYMENTS));
    const mb = statSync(input).size / 1e6;
    console.log(`  input: ${DEPLOYMENTS} Deployments, ${mb.toFixed(1)} MB of YAML`);
    for (const format of ["json", "sarif"]) {
      const out = join(dir, `report.${format}`);
      const t = performance.now();
      const r = spawnSync(
        "/usr/bin/time",
        ["-f", "maxrss_kb=%M", process.execPath, "--import", "tsx", "src/cli/main.ts", "lint", "k8s"].concat([
          "-f",
          format,
          "-o",
          out,
          "--fail-on",
          "none",
          "-q",
          input,
        ]),
        { encoding: "utf8", maxBuffer: 1 << 26 },
      );
      const ms = performance.now() - t;
      const rss = /maxrss_kb=(\d+)/.exec(r.stderr ?? "");
      if (r.status !== 0 || !rss) {
        throw new Error(`lint k8s -f ${format} exited ${r.status}: ${(r.stderr ?? "").slice(-300)}`);
      }
      const reportMb = statSync(out).size / 1e6;
      console.log(
        `  lint k8s -f ${format}: ${(ms / 1000).toFixed(1)} s, peak RSS ${(Number(rss[1]) / 1024).toFixed(0)} MB, report ${reportMb.toFixed(0)} MB`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
