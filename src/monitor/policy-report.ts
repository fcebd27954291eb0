/**
 * Audit results as `wgpolicyk8s.io/v1alpha2` PolicyReports (the format Kyverno and Policy
 * Reporter read): one report per namespace named `portcullis`, one result per (workload, rule)
 * violation with result fail (enforce) or warn (warn/audit), one result per running image's
 * vulnerability, and a summary. Cluster-scoped workloads do not exist here, so the
 * ClusterPolicyReport carries what is not about one namespace (namespaces that could not be read).
 * The shape is the wg-policy CRD's (results with source, policy, rule, category, severity in
 * critical|high|medium|low|info, result in pass|fail|warn|error|skip, resources as object
 * references, string properties, a {seconds, nanos} timestamp; a summary of the results).
 * A report stays under REPORT_BYTE_BUDGET (the API server and etcd refuse an object over about
 * 1.5 MiB): past it the least severe vulnerability results are left out, the policy results
 * never, and the annotation OMITTED_ANNOTATION counts what was left out by severity.
 */

import type { Unreadable } from "../audit/inventory.js";
import type { ImageResult, WorkloadResult } from "../audit/run.js";
import type { KubeObject } from "../cluster/client.js";

export const REPORT_NAME = "portcullis";
export const REPORT_LABELS = { "app.kubernetes.io/managed-by": "portcullis" };
/** Serialized results kept under this many bytes (etcd's request limit is 1.5 MiB). */
export const REPORT_BYTE_BUDGET = 1_000_000;
/** `low=1200,medium=30`: vulnerability results left out of a report to keep it under the budget. */
export const OMITTED_ANNOTATION = "portcullis.dev/omitted-vulnerability-results";

export interface PolicyReportResult {
  source: string;
  policy: string;
  rule: string;
  result: "pass" | "fail" | "warn" | "error" | "skip";
  severity?: "critical" | "high" | "medium" | "low" | "info";
  message: string;
  category?: string;
  resources?: { apiVersion?: string; kind: string; namespace?: string; name: string }[];
  properties?: Record<string, string>;
  timestamp: { seconds: number; nanos: number };
}

const API_VERSIONS: Record<string, string> = {
  Deployment: "apps/v1",
  StatefulSet: "apps/v1",
  DaemonSet: "apps/v1",
  ReplicaSet: "apps/v1",
  Job: "batch/v1",
  CronJob: "batch/v1",
  Pod: "v1",
};

function summaryOf(results: PolicyReportResult[]) {
  const s = { pass: 0, fail: 0, warn: 0, error: 0, skip: 0 };
  for (const r of results) s[r.result]++;
  return s;
}

export function namespaceResults(
  policyName: string,
  namespace: string,
  workloads: WorkloadResult[],
  images: ImageResult[],
  now: Date,
): PolicyReportResult[] {
  const timestamp = { seconds: Math.floor(now.getTime() / 1000), nanos: 0 };
  const out: PolicyReportResult[] = [];
  for (const w of workloads) {
    if (w.namespace !== namespace || w.skipped) continue;
    const resources = [
      { apiVersion: API_VERSIONS[w.kind], kind: w.kind, namespace: w.namespace, name: w.name },
    ];
    if (!w.violations.length) {
      out.push({
        source: "portcullis",
        policy: policyName,
        rule: "image-policy",
        result: "pass",
        message: "admitted by the policy",
        resources,
        timestamp,
      });
    }
    for (const v of w.violations) {
      out.push({
        source: "portcullis",
        policy: policyName,
        rule: v.rule,
        result: v.mode === "enforce" ? "fail" : "warn",
        severity: v.mode === "enforce" ? "high" : v.mode === "warn" ? "medium" : "low",
        message: v.message,
        category: "Image policy",
        resources,
        ...(v.container ? { properties: { container: v.container } } : {}),
        timestamp,
      });
    }
  }
  for (const img of images) {
    if (img.scan.state !== "scanned" || !img.digest) continue;
    const users = img.workloads.filter((w) => w.split(" ")[1]?.startsWith(`${namespace}/`));
    if (!users.length) continue;
    const resources = users.map((u) => {
      const [kind = "", ref = ""] = u.split(" ");
      return { apiVersion: API_VERSIONS[kind], kind, namespace, name: ref.slice(namespace.length + 1) };
    });
    for (const v of img.scan.vulnerabilities) {
      out.push({
        source: "portcullis",
        policy: "vulnerabilities",
        rule: v.id,
        result: v.severity === "critical" || v.severity === "high" ? "fail" : "warn",
        severity: v.severity,
        message: `${v.id} in ${v.package}${v.version ? ` ${v.version}` : ""}${v.fixedVersion ? `, fixed in ${v.fixedVersion}` : ""}`,
        category: "Vulnerability",
        resources,
        properties: { image: `${img.repository}@${img.digest}`, package: v.package, firstSeen: v.firstSeen },
        timestamp,
      });
    }
  }
  return out;
}

const DROP_ORDER = ["info", "low", "medium", "high", "critical"] as const;

/**
 * The results within `budget` bytes of JSON: vulnerability results are left out, least severe
 * first (and, within a severity, from the end); policy results are always kept.
 */
export function withinBudget(
  results: PolicyReportResult[],
  budget: number,
): { kept: PolicyReportResult[]; omitted: Record<string, number> } {
  const sizes = results.map((r) => JSON.stringify(r).length + 1);
  let total = sizes.reduce((a, b) => a + b, 2);
  const omitted: Record<string, number> = {};
  if (total <= budget) return { kept: results, omitted };
  const dropped = new Set<number>();
  for (const severity of DROP_ORDER) {
    for (let i = results.length - 1; i >= 0 && total > budget; i--) {
      const r = results[i] as PolicyReportResult;
      if (r.category !== "Vulnerability" || (r.severity ?? "info") !== severity) continue;
      dropped.add(i);
      total -= sizes[i] as number;
      omitted[severity] = (omitted[severity] ?? 0) + 1;
    }
    if (total <= budget) break;
  }
  return { kept: results.filter((_, i) => !dropped.has(i)), omitted };
}

export function policyReport(
  namespace: string,
  results: PolicyReportResult[],
  budget = REPORT_BYTE_BUDGET,
): KubeObject {
  const { kept, omitted } = withinBudget(results, budget);
  const counts = DROP_ORDER.filter((s) => omitted[s]).map((s) => `${s}=${omitted[s]}`);
  return {
    apiVersion: "wgpolicyk8s.io/v1alpha2",
    kind: "PolicyReport",
    metadata: {
      name: REPORT_NAME,
      namespace,
      labels: { ...REPORT_LABELS },
      ...(counts.length ? { annotations: { [OMITTED_ANNOTATION]: counts.join(",") } } : {}),
    },
    scope: { apiVersion: "v1", kind: "Namespace", name: namespace },
    summary: summaryOf(kept),
    results: kept,
  };
}

export function clusterPolicyReport(policyName: string, unreadable: Unreadable[], now: Date): KubeObject {
  const timestamp = { seconds: Math.floor(now.getTime() / 1000), nanos: 0 };
  const results: PolicyReportResult[] = unreadable.map((u) => ({
    source: "portcullis",
    policy: policyName,
    rule: "readable",
    result: "error",
    message: u.message,
    ...(u.namespace ? { resources: [{ apiVersion: "v1", kind: "Namespace", name: u.namespace }] } : {}),
    timestamp,
  }));
  return {
    apiVersion: "wgpolicyk8s.io/v1alpha2",
    kind: "ClusterPolicyReport",
    metadata: { name: REPORT_NAME, labels: { ...REPORT_LABELS } },
    summary: summaryOf(results),
    results,
  };
}
