/**
 * Where the cluster is and how to authenticate: a kubeconfig file (or $KUBECONFIG, ~/.kube/config,
 * the in-cluster service account) read by @kubernetes/client-node's KubeConfig, so contexts,
 * client certificates, tokens, token files and exec plugins work as they do for kubectl. The
 * library is imported lazily (it costs ~0.45 s), only by verbs that talk to a cluster.
 */
import { existsSync } from "node:fs";
import type { RequestOptions } from "node:https";
import { ClusterConfigError } from "./errors.js";

export interface ConnectionOptions {
  /** A kubeconfig file; default: $KUBECONFIG, ~/.kube/config, then the in-cluster account. */
  kubeconfig?: string;
  context?: string;
}

export interface ClusterConnection {
  /** The API server URL, e.g. https://10.0.0.1:6443. */
  server: string;
  /** The context's default namespace. */
  namespace: string;
  contextName: string;
  /** TLS and auth options for node:https, refreshed per call (exec and token-file auth rotate). */
  requestOptions(): Promise<RequestOptions>;
}

export async function connect(opts: ConnectionOptions = {}): Promise<ClusterConnection> {
  const { KubeConfig } = await import("@kubernetes/client-node");
  const kc = new KubeConfig();
  try {
    if (opts.kubeconfig) {
      if (!existsSync(opts.kubeconfig))
        throw new ClusterConfigError(`--kubeconfig: no file ${opts.kubeconfig}`);
      kc.loadFromFile(opts.kubeconfig);
    } else kc.loadFromDefault();
  } catch (err) {
    if (err instanceof ClusterConfigError) throw err;
    const where = opts.kubeconfig ?? process.env.KUBECONFIG ?? "the default kubeconfig";
    throw new ClusterConfigError(`cannot read ${where}: ${(err as Error).message}`);
  }
  if (opts.context) {
    if (!kc.getContextObject(opts.context)) {
      const known = kc.getContexts().map((c) => c.name);
      throw new ClusterConfigError(
        `--context ${opts.context}: no such context (known: ${known.join(", ") || "none"})`,
      );
    }
    kc.setCurrentContext(opts.context);
  }
  const cluster = kc.getCurrentCluster();
  if (!cluster?.server) {
    throw new ClusterConfigError(
      `kubeconfig${opts.kubeconfig ? ` ${opts.kubeconfig}` : ""}: the current context names no cluster with a server`,
    );
  }
  const ctx = kc.getContextObject(kc.getCurrentContext());
  return {
    server: cluster.server.replace(/\/+$/, ""),
    namespace: ctx?.namespace ?? "default",
    contextName: kc.getCurrentContext(),
    async requestOptions() {
      const o: RequestOptions = {};
      try {
        await kc.applyToHTTPSOptions(o);
      } catch (err) {
        throw new ClusterConfigError(`cannot authenticate with the kubeconfig: ${(err as Error).message}`);
      }
      return o;
    },
  };
}
