/**
 * `portcullis audit`: the running cluster against the ImagePolicy, with the webhook's engine.
 * Thin layer: flags → connect → runAudit → render; exit codes per the contracts.
 */
import { existsSync } from "node:fs";
import type { Command } from "commander";
import { type AuditFormat, renderAudit } from "../../audit/render.js";
import { runAudit } from "../../audit/run.js";
import { ScanningSource } from "../../audit/scan-source.js";
import { parseSince } from "../../audit/since.js";
import { KubeClient } from "../../cluster/client.js";
import { defaultStorePath } from "../../monitor/store.js";
import { ImageInspector } from "../../policy/inspector.js";
import { exitCodeFor, type Severity } from "../../report/finding.js";
import { isPostgresLocation, vulnDbLocation } from "../../scan/database.js";
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
import { OperationalError, UsageError } from "../errors.js";
import { writeOutputFile } from "../files.js";
import { parsePlatformOption } from "../option-values.js";
import { requirePolicy } from "../policy-file.js";
import { addRegistryOptions, clientFromFlags, registryOptionsFromFlags } from "../registry-options.js";
import { addReportOptions, type ReportFlags, resolveFormat, useColor } from "../report-options.js";

interface AuditFlags extends ReportFlags, ClusterFlags, ScanStoreFlags {
  dryRunPolicy?: string;
  images?: boolean;
  since?: string;
  concurrency: string;
  chunkSize: string;
  platform?: string;
}

export function register(program: Command): void {
  const cmd = program
    .command("audit")
    .description("audit the workloads running in a cluster against the ImagePolicy, as the webhook would");
  addClusterOptions(cmd, {
    namespace: "audit this namespace (repeatable; default: the context's namespace)",
    allNamespaces: "audit every namespace",
  })
    .option("--dry-run-policy <file>", "also show which workloads NEW.yaml would newly deny or allow")
    .option(
      "--images",
      "look images up in registries: digests, signatures, attestations, config labels and base images, tag drift",
    );
  addScanStoreOptions(cmd, {
    noScan: "do not scan images; report only stored scan results",
    resultsDb: "; written when scanning",
  })
    .option(
      "--platform <os/arch[/variant]>",
      "platform to scan when a running digest is a multi-platform index (default linux/<host>)",
    )
    .option(
      "--since <when>",
      "list only vulnerabilities first seen since DATE (2026-12-01) or DURATION (24h, 7d)",
    )
    .option("--concurrency <n>", "image look-ups at once", "8")
    .option("--chunk-size <n>", "objects per list page, as kubectl's --chunk-size", "500");
  addRegistryOptions(cmd);
  addReportOptions(cmd, { failOn: "high" });
  cmd.addHelpText(
    "after",
    `
Lists Deployments, StatefulSets, DaemonSets, ReplicaSets and Jobs without an owner, CronJobs and
bare Pods (in pages), evaluates each with the engine the admission webhook uses, and groups the
images by the digest the kubelet runs (status.containerStatuses[].imageID). Namespaces that RBAC
refuses are reported and the rest is audited.

Each distinct running digest is scanned once (--concurrency at a time) with the vulnerability
database 'portcullis db' builds: a stored result newer than the database is used as it is, a
stored or cached SBOM is matched again, otherwise the image is read from its registry. Results
and SBOMs are kept in --results-db, so '--since' lists what is new and 'monitor' shares them.
Without a database images are reported as "not scanned" (with the reason).

Exit codes: 0 clean, 1 findings at or above --fail-on (enforce-mode violations are high), 2 bad
input (kubeconfig, policy, flags), 3 nothing could be read (401, unreachable), look-ups or scans
failed, or --fail-on was given and the vulnerability database is missing.

Examples:
  portcullis audit -A --policy policy.yaml
  portcullis audit -n shop --policy policy.yaml --dry-run-policy stricter.yaml
  portcullis audit -A --policy policy.yaml --since 7d -f json -o audit.json
  portcullis audit -A --policy policy.yaml -f html -o audit.html`,
  );
  cmd.action(async (flags: AuditFlags) => {
    const policy = requirePolicy(flags.policy);
    const dryRun = flags.dryRunPolicy
      ? { policy: requirePolicy(flags.dryRunPolicy), file: flags.dryRunPolicy }
      : undefined;
    if (flags.allNamespaces && flags.namespace.length)
      throw new UsageError("-n and -A cannot be used together");
    const concurrency = Number(flags.concurrency);
    if (!Number.isInteger(concurrency) || concurrency < 1)
      throw new UsageError("--concurrency must be a positive integer");
    const chunkSize = Number(flags.chunkSize);
    if (!Number.isInteger(chunkSize) || chunkSize < 1)
      throw new UsageError("--chunk-size must be a positive integer");
    if (flags.platform) parsePlatformOption(flags.platform);
    const since = flags.since !== undefined ? parseSince(flags.since) : undefined;
    if (flags.since !== undefined && !since)
      throw new UsageError(
        `--since: expected a date (2026-12-01) or a duration (24h, 7d), got ${JSON.stringify(flags.since)}`,
      );
    const connection = await connectFromFlags(flags);
    let inspector: ImageInspector | undefined;
    if (flags.images) {
      await clientFromFlags(flags).close();
      inspector = new ImageInspector({
        registry: registryOptionsFromFlags(flags),
      });
    }
    const format = resolveFormat(flags) as AuditFormat;
    if (flags.scan) await clientFromFlags(flags).close();
    const location = await vulnDbLocation(flags.db);
    const scanner = await openScannerFromFlags(flags, location, flags.platform);
    const scanning = scanner?.available() ?? false;
    // Results live beside a shared (PostgreSQL) database; else in a file, written when scanning
    // (created on first use), otherwise only read when it exists.
    const dbFile =
      resultsLocation(flags, location) ??
      (scanning || existsSync(defaultStorePath()) ? defaultStorePath() : undefined);
    if (flags.resultsDb && !isPostgresLocation(flags.resultsDb) && !scanning && !existsSync(flags.resultsDb))
      throw new UsageError(`--results-db: no file ${flags.resultsDb}`);
    if (since && !dbFile)
      throw new UsageError(
        "--since needs stored scan results (a vulnerability database to scan with, or --results-db FILE)",
      );
    const missing = !flags.scan
      ? "not scanned (--no-scan)"
      : scanner?.missing && `vulnerability database missing: ${scanner.missing}`;
    if (scanner?.missing && !flags.quiet)
      process.stderr.write(`warning: images not scanned: ${scanner.missing}\n`);

    const store = dbFile
      ? await openResultsFromFlags(dbFile).catch(async (err) => {
          await scanner?.close();
          throw err;
        })
      : undefined;
    const scans = new ScanningSource({
      scanner,
      results: store,
      platform: flags.platform,
      ...(missing ? { missingReason: missing } : {}),
    });
    const client = new KubeClient(connection, { pageSize: chunkSize });
    const progress = !flags.quiet && process.stderr.isTTY && format !== "json";
    try {
      const result = await runAudit({
        client,
        scope: flags.allNamespaces
          ? {}
          : { namespaces: flags.namespace.length ? flags.namespace : [connection.namespace] },
        policy,
        dryRun,
        inspector,
        scans,
        since,
        concurrency,
        onProgress: progress
          ? (done, total) => {
              const width = 30;
              const filled = Math.round((done / total) * width);
              process.stderr.write(
                `\rimages [${"#".repeat(filled)}${" ".repeat(width - filled)}] ${done}/${total}`,
              );
              if (done === total) process.stderr.write("\n");
            }
          : undefined,
      });
      for (const u of result.unreadable)
        process.stderr.write(`warning: ${u.namespace ? `namespace ${u.namespace}: ` : ""}${u.message}\n`);
      if (result.nothingRead)
        throw new OperationalError("nothing could be read from the cluster (every list was refused)");
      const text = renderAudit(result, format, { color: useColor(flags), quiet: flags.quiet ?? false });
      if (flags.output) writeOutputFile(flags.output, text);
      else process.stdout.write(text);
      if (result.lookupFailures.length) {
        for (const f of result.lookupFailures) process.stderr.write(`error: ${f}\n`);
        throw new OperationalError(`${result.lookupFailures.length} image look-up(s) or scan(s) failed`);
      }
      const unscanned = result.images.filter((i) => i.digest && i.scan.state === "not-scanned").length;
      if (
        scanner?.missing &&
        unscanned &&
        cmd.getOptionValueSource("failOn") === "cli" &&
        flags.failOn !== "none"
      )
        throw new OperationalError(
          `--fail-on ${flags.failOn}: ${unscanned} image(s) could not be scanned (vulnerability database missing; run 'portcullis db update', or --no-scan to judge stored results only)`,
        );
      process.exitCode = exitCodeFor(result.report, flags.failOn as Severity | "none");
    } catch (err) {
      throw clusterFailure(err, connection);
    } finally {
      client.close();
      await store?.close();
      await scanner?.close();
      await inspector?.close();
    }
  });
}
