/**
 * The cluster and scanning flags `audit` and `monitor` share, defined once so they mean the same
 * in both: --kubeconfig, --context, -n/--namespace (repeatable), -A, --policy; --db, --no-scan,
 * --results-db. Also the cluster connection made from them (a bad kubeconfig or context is exit
 * 2, a refused or failed API call exit 3), the vulnerability scanner and the results store
 * (`registry retention --keep-running` connects the same way).
 */
import type { Command } from "commander";
import { VulnerabilityScanner } from "../audit/image-scanner.js";
import { type ClusterConnection, connect } from "../cluster/connection.js";
import { ClusterConfigError, KubeApiError } from "../cluster/errors.js";
import { openResultStore, type ResultStore } from "../monitor/store.js";
import { isPostgresLocation } from "../scan/database.js";
import { OperationalError, UsageError } from "./errors.js";
import { repeatable } from "./option-values.js";
import { type RegistryFlags, registryOptionsFromFlags } from "./registry-options.js";

export interface ClusterFlags {
  kubeconfig?: string;
  context?: string;
  namespace: string[];
  allNamespaces?: boolean;
  policy?: string;
}

export interface ScanStoreFlags extends RegistryFlags {
  db?: string;
  resultsDb?: string;
  scan: boolean;
}

export const KUBECONFIG_HELP = "kubeconfig file (default: $KUBECONFIG, ~/.kube/config, in-cluster)";

/** --kubeconfig, --context, -n (repeatable), -A and --policy; the words say what the verb does. */
export function addClusterOptions(cmd: Command, help: { namespace: string; allNamespaces: string }): Command {
  return cmd
    .option("--kubeconfig <file>", KUBECONFIG_HELP)
    .option("--context <name>", "kubeconfig context (default: the current context)")
    .option("-n, --namespace <ns>", help.namespace, repeatable, [])
    .option("-A, --all-namespaces", help.allNamespaces)
    .option("--policy <file>", "the ImagePolicy file (required)");
}

/** --db, --no-scan and --results-db; `resultsDb` adds to the results store's help. */
export function addScanStoreOptions(cmd: Command, help: { noScan: string; resultsDb?: string }): Command {
  return cmd
    .option(
      "--db <file|postgres://…>",
      "the vulnerability database (default: $PORTCULLIS_DB, else $XDG_CACHE_HOME/portcullis/vuln.db)",
    )
    .option("--no-scan", help.noScan)
    .option(
      "--results-db <file>",
      `scan results and SBOMs per digest: a file or postgres://… (default: the --db PostgreSQL database, else $XDG_CACHE_HOME/portcullis/results.db${help.resultsDb ?? ""})`,
    );
}

/** Connect as the flags say; a kubeconfig or context that does not work is a usage error. */
export async function connectFromFlags(
  flags: { kubeconfig?: string; context?: string },
  prefix = "",
): Promise<ClusterConnection> {
  try {
    return await connect({ kubeconfig: flags.kubeconfig, context: flags.context });
  } catch (err) {
    if (err instanceof ClusterConfigError) throw new UsageError(`${prefix}${err.message}`);
    throw err;
  }
}

/** A failed API call as the CLI error to throw (the server named); other errors as they are. */
export function clusterFailure(err: unknown, connection: ClusterConnection, prefix = ""): unknown {
  if (err instanceof KubeApiError) {
    const hint = err.code === 401 ? " (the token or certificate was refused: expired?)" : "";
    return new OperationalError(`${prefix}${connection.server}: ${err.message}${hint}`);
  }
  if (err instanceof ClusterConfigError) return new UsageError(`${prefix}${err.message}`);
  return err;
}

/** The scanner over the vulnerability database at `location`, or none with --no-scan. */
export async function openScannerFromFlags(
  flags: ScanStoreFlags,
  location: string,
  platform?: string,
): Promise<VulnerabilityScanner | undefined> {
  if (!flags.scan) return undefined;
  return VulnerabilityScanner.open({
    dbLocation: location,
    registry: registryOptionsFromFlags(flags),
    platform,
  });
}

/** --results-db, else the PostgreSQL vulnerability database (results beside it), else none. */
export function resultsLocation(flags: ScanStoreFlags, vulnDb: string): string | undefined {
  return flags.resultsDb ?? (isPostgresLocation(vulnDb) ? vulnDb : undefined);
}

/** Open the results store; one that cannot be opened is an operational error naming the flag. */
export async function openResultsFromFlags(location: string): Promise<ResultStore> {
  try {
    return await openResultStore(location);
  } catch (err) {
    throw new OperationalError(`--results-db: ${(err as Error).message}`);
  }
}
