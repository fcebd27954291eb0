/**
 * `portcullis monitor` (a long-running process: informers, PolicyReports, metrics, Lease) and
 * `portcullis monitor install` (its manifests). Thin layer over src/monitor.
 */
import { readFileSync } from "node:fs";
import { createServer } from "node:http";
import { hostname } from "node:os";
import type { Command } from "commander";
import { KubeClient } from "../../cluster/client.js";
import { chooseSources, updateVulnerabilityDb } from "../../monitor/db-update.js";
import { monitorManifests } from "../../monitor/install.js";
import { createMonitorMetrics } from "../../monitor/metrics.js";
import { Monitor } from "../../monitor/monitor.js";
import { defaultStorePath } from "../../monitor/store.js";
import { vulnDbLocation } from "../../scan/database.js";
import {
  addClusterOptions,
  addScanStoreOptions,
  type ClusterFlags,
  clusterFailure,
  connectFromFlags,
  openResultsFromFlags,
  openScannerFromFlags,
  resultsLocation,
  type ScanStoreFlags,
} from "../cluster-options.js";
import { toCliError as cliError, UsageError } from "../errors.js";
import { parseDuration } from "../option-values.js";
import { requirePolicy } from "../policy-file.js";
import { addRegistryOptions, clientFromFlags } from "../registry-options.js";

interface MonitorFlags extends ClusterFlags, ScanStoreFlags {
  dbUpdateInterval: string;
  dbSource: string;
  dbMirror?: string;
  dbSourcesFile?: string;
  metricsListen: string;
  policyReports: boolean;
  leaseNamespace?: string;
  leaseName: string;
  identity?: string;
  once?: boolean;
}

function parseListen(text: string): { host: string; port: number } {
  const m = /^(.*):(\d+)$/.exec(text);
  const port = Number(m?.[2]);
  if (!m || !(port >= 0 && port < 65536))
    throw new UsageError(`--metrics-listen: expected HOST:PORT, got ${JSON.stringify(text)}`);
  return { host: m[1] || "0.0.0.0", port };
}

export function register(program: Command): void {
  const cmd = program
    .command("monitor")
    .description(
      "watch a cluster: evaluate workloads, scan new digests once, write PolicyReports, serve metrics",
    );
  addClusterOptions(cmd, {
    namespace: "watch this namespace (repeatable)",
    allNamespaces: "watch every namespace (the default)",
  });
  addScanStoreOptions(cmd, { noScan: "do not scan images (policy and PolicyReports only)" })
    .option(
      "--db-update-interval <duration>",
      "run 'db update' this often and rescan stored SBOMs when the data changed (0: never)",
      "6h",
    )
    .option("--db-source <list>", "sources to update, as 'db update --source'", "all")
    .option("--db-mirror <url>", "update from a mirror, as 'db update --mirror' (also PORTCULLIS_DB_MIRROR)")
    .option("--db-sources-file <file>", "sources file, as 'db update --sources-file'")
    .option("--metrics-listen <host:port>", "Prometheus /metrics, /healthz and /readyz", "0.0.0.0:9090")
    .option("--no-policy-reports", "do not write wgpolicyk8s.io PolicyReports")
    .option("--lease-namespace <ns>", "elect a leader with a Lease in this namespace (several replicas)")
    .option("--lease-name <name>", "the Lease's name", "portcullis-monitor")
    .option("--identity <id>", "this replica's name in the Lease (default: $POD_NAME or the host name)")
    .option("--once", "evaluate once, scan, write the reports and exit (no watch, no scheduled update)");
  addRegistryOptions(cmd);
  cmd.addHelpText(
    "after",
    `
Watches Deployments, StatefulSets, DaemonSets, ReplicaSets, Jobs, CronJobs and Pods (list, then
watch; a closed watch is resumed, a 410 Gone re-lists). After each change it evaluates the policy
as the webhook would, scans each image digest not scanned yet (once; its SBOM and results are
kept in --results-db), and writes one PolicyReport per namespace (named "portcullis", updated in
place, vulnerabilities included) plus a ClusterPolicyReport. Every --db-update-interval it runs
'db update'; when the data changed it matches every stored SBOM again (no image pull). A database
replaced or updated by another process or replica is noticed and reopened before each evaluation.
A Warning Event (reason NewCriticalVulnerability) and a log line are raised when a running image
gains a critical finding on a rescan, or when an image first seen after the start (a rollout) has
one; the images found running at start are reported, not raised. Without a database images are
"not scanned" until an update makes one.
Metrics: images by highest severity, workloads denied by rule, database age, scan and rescan
durations.

Examples:
  portcullis monitor --policy policy.yaml --metrics-listen 127.0.0.1:9090
  portcullis monitor install --policy policy.yaml | kubectl apply -f -`,
  );
  cmd.action(async (flags: MonitorFlags) => {
    const policy = requirePolicy(flags.policy);
    const listen = parseListen(flags.metricsListen);
    const interval = parseDuration(flags.dbUpdateInterval, "--db-update-interval", { allowZero: true });
    const mirror = flags.dbMirror ?? process.env.PORTCULLIS_DB_MIRROR;
    if (mirror && !/^https?:\/\//.test(mirror))
      throw new UsageError(`--db-mirror must be an http(s) URL, got ${mirror}`);
    const location = await vulnDbLocation(flags.db);
    let sources: Awaited<ReturnType<typeof chooseSources>> = [];
    try {
      if (flags.scan && interval > 0 && !flags.once)
        sources = await chooseSources({ select: flags.dbSource, mirror, sourcesFile: flags.dbSourcesFile });
    } catch (err) {
      throw cliError(err);
    }
    if (flags.scan) await clientFromFlags(flags).close();
    const connection = await connectFromFlags(flags);
    const store = await openResultsFromFlags(resultsLocation(flags, location) ?? defaultStorePath());
    const scanner = await openScannerFromFlags(flags, location);
    if (scanner?.missing) process.stderr.write(`warning: images not scanned yet: ${scanner.missing}\n`);
    const client = new KubeClient(connection);
    const metrics = createMonitorMetrics();
    const monitor = new Monitor({
      client,
      namespaces: flags.namespace.length ? flags.namespace : undefined,
      policy,
      store,
      scanner,
      metrics,
      policyReports: flags.policyReports,
      ...(sources.length
        ? {
            dbUpdate: {
              intervalMs: interval,
              update: async () => (await updateVulnerabilityDb(location, sources)).changed,
            },
          }
        : {}),
      ...(flags.leaseNamespace
        ? {
            lease: {
              namespace: flags.leaseNamespace,
              name: flags.leaseName,
              identity: flags.identity ?? process.env.POD_NAME ?? hostname(),
            },
          }
        : {}),
    });
    let ready = false;
    const server = flags.once
      ? undefined
      : createServer((req, res) => {
          if (req.url === "/metrics") {
            metrics.registry.metrics().then((text) => {
              res.writeHead(200, { "content-type": metrics.registry.contentType });
              res.end(text);
            });
          } else if (req.url === "/healthz") res.end("ok\n");
          else if (req.url === "/readyz") {
            res.writeHead(ready ? 200 : 503);
            res.end(ready ? "ok\n" : "starting\n");
          } else {
            res.writeHead(404);
            res.end();
          }
        });
    try {
      if (server) await new Promise<void>((resolve) => server.listen(listen.port, listen.host, resolve));
      await monitor.start();
      ready = true;
      if (flags.once) {
        await monitor.idle();
        await monitor.stop();
        return;
      }
      process.stderr.write(`portcullis monitor: watching ${connection.server} (${connection.contextName})\n`);
      await new Promise<void>((resolve) => {
        process.once("SIGTERM", resolve);
        process.once("SIGINT", resolve);
      });
      await monitor.stop();
    } catch (err) {
      throw clusterFailure(err, connection);
    } finally {
      server?.close();
      client.close();
      await store.close();
      await scanner?.close();
    }
  });

  cmd
    .command("install")
    .description(
      "print the monitor's manifests: Deployment, least-privilege RBAC, ServiceAccount, policy ConfigMap",
    )
    .option("--policy <file>", "the ImagePolicy file to put in the ConfigMap (required)")
    .option("-n, --namespace <ns>", "namespace to install into (default: portcullis)")
    .option("--image <ref>", "the portcullis image (pin it by digest)")
    .action((flags: { policy?: string; namespace?: string; image?: string }) => {
      // `monitor` has --policy and -n too; commander gives them to it when written after install.
      const parent = cmd.opts<MonitorFlags>();
      const file = flags.policy ?? parent.policy;
      requirePolicy(file);
      const namespace = flags.namespace ?? parent.namespace.at(-1) ?? "portcullis";
      const policyText = readFileSync(file as string, "utf8");
      process.stdout.write(monitorManifests({ namespace, image: flags.image, policyText }));
    });
}
