/**
 * Writing a PolicyReport or ClusterPolicyReport in place: read it, replace it with the read
 * resourceVersion, and on 409 Conflict (someone else wrote in between) read again and retry, a
 * bounded number of times; create it when absent. A 404 on the collection itself means the
 * wgpolicyk8s.io CRDs are not installed: a ReportCrdMissing error that says so. Labels and
 * annotations others put on the report are kept; the `portcullis.dev/` annotations are the new
 * report's only (one no longer set is removed).
 */
import type { KubeClient, KubeObject } from "../cluster/client.js";
import { KubeApiError } from "../cluster/errors.js";
import { CLUSTER_POLICY_REPORTS, POLICY_REPORTS, type ResourceType } from "../cluster/resources.js";

export class ReportCrdMissing extends Error {
  override readonly name = "ReportCrdMissing";
}

const CRD_HINT =
  "the PolicyReport CRDs (wgpolicyk8s.io/v1alpha2 policyreports, clusterpolicyreports) are not installed; install them (Kyverno and Policy Reporter ship them) or run with --no-policy-reports";

export interface WriteOutcome {
  action: "created" | "updated";
  conflicts: number;
}

export async function writeReport(
  client: KubeClient,
  report: KubeObject,
  maxAttempts = 5,
): Promise<WriteOutcome> {
  const t: ResourceType = report.kind === "ClusterPolicyReport" ? CLUSTER_POLICY_REPORTS : POLICY_REPORTS;
  const ns = t.namespaced ? report.metadata?.namespace : undefined;
  const name = String(report.metadata?.name);
  let conflicts = 0;
  for (let attempt = 1; ; attempt++) {
    let current: KubeObject | undefined;
    try {
      current = await client.get(t, ns, name);
    } catch (err) {
      if (!(err instanceof KubeApiError && err.notFound)) throw err;
      // The object's 404 names the object; "the server could not find the requested resource"
      // means the resource type itself is not served.
      if (/could not find the requested resource/.test(err.message)) throw new ReportCrdMissing(CRD_HINT);
    }
    try {
      if (!current) {
        await client.create(t, ns, report);
        return { action: "created", conflicts };
      }
      const annotations = {
        ...Object.fromEntries(
          Object.entries(current.metadata?.annotations ?? {}).filter(
            ([k]) => !k.startsWith("portcullis.dev/"),
          ),
        ),
        ...(report.metadata?.annotations ?? {}),
      };
      const next: KubeObject = {
        ...report,
        metadata: {
          ...current.metadata,
          ...report.metadata,
          labels: { ...(current.metadata?.labels ?? {}), ...(report.metadata?.labels ?? {}) },
          resourceVersion: current.metadata?.resourceVersion,
        },
      };
      if (next.metadata && Object.keys(annotations).length) next.metadata.annotations = annotations;
      else delete next.metadata?.annotations;
      await client.replace(t, ns, name, next);
      return { action: "updated", conflicts };
    } catch (err) {
      const retry =
        err instanceof KubeApiError && (err.conflict || (err.code === 409 && err.reason === "AlreadyExists"));
      if (!retry || attempt >= maxAttempts) throw err;
      conflicts++;
    }
  }
}
