/**
 * Prometheus metrics of `portcullis monitor` (prom-client, one Registry per monitor): running
 * images by highest severity, workloads the webhook would deny by rule, vulnerability database
 * age, scan and rescan durations, reconciles, PolicyReport write conflicts, leadership.
 */
import { Counter, Gauge, Histogram, Registry } from "prom-client";

export interface MonitorMetrics {
  registry: Registry;
  images: Gauge<"severity">;
  denied: Gauge<"rule">;
  databaseAge: Gauge;
  scanDuration: Histogram;
  rescanDuration: Histogram;
  reconciles: Counter<"result">;
  reportConflicts: Counter;
  newCritical: Counter;
  leader: Gauge;
}

export function createMonitorMetrics(): MonitorMetrics {
  const registry = new Registry();
  const registers = [registry];
  return {
    registry,
    images: new Gauge({
      name: "portcullis_monitor_images",
      help: "Running images (distinct digests) by highest finding severity (none, not_scanned included)",
      labelNames: ["severity"],
      registers,
    }),
    denied: new Gauge({
      name: "portcullis_monitor_workloads_denied",
      help: "Running workloads the webhook would deny, by rule",
      labelNames: ["rule"],
      registers,
    }),
    databaseAge: new Gauge({
      name: "portcullis_monitor_database_age_seconds",
      help: "Age of the vulnerability database used for the last scan",
      registers,
    }),
    scanDuration: new Histogram({
      name: "portcullis_monitor_scan_duration_seconds",
      help: "Time to scan one image digest",
      buckets: [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
      registers,
    }),
    rescanDuration: new Histogram({
      name: "portcullis_monitor_rescan_duration_seconds",
      help: "Time to match one stored SBOM again after a database update (no pull)",
      buckets: [0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
      registers,
    }),
    reconciles: new Counter({
      name: "portcullis_monitor_reconciles_total",
      help: "Evaluations of the cluster state by result",
      labelNames: ["result"],
      registers,
    }),
    reportConflicts: new Counter({
      name: "portcullis_monitor_policyreport_conflicts_total",
      help: "PolicyReport writes retried after a 409 Conflict",
      registers,
    }),
    newCritical: new Counter({
      name: "portcullis_monitor_new_critical_findings_total",
      help: "Critical findings newly seen on running images",
      registers,
    }),
    leader: new Gauge({
      name: "portcullis_monitor_leader",
      help: "1 while this replica holds the lease",
      registers,
    }),
  };
}
