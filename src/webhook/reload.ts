/**
 * Hot reload of the webhook's inputs: the policy file (a broken one keeps the last good policy
 * and logs why) and the serving certificate and key (a broken or mismatched pair keeps the
 * current one), re-read when their files change (polled, so it works on ConfigMap and Secret
 * volumes whose files are swapped through symlinks) or on demand (SIGHUP).
 */
import { type Stats, unwatchFile, watchFile } from "node:fs";
import type { Server as HttpsServer } from "node:https";
import type { Logger } from "pino";
import { loadPolicyFile, PolicyError } from "../policy/load.js";
import type { LoadedPolicy } from "../policy/types.js";
import type { WebhookMetrics } from "./metrics.js";
import { loadServingPair } from "./tls-files.js";

export interface Reloader {
  current(): LoadedPolicy;
  reloadPolicy(): boolean;
  reloadTls(): boolean;
  /** Stop watching the files. */
  stop(): void;
}

export interface ReloadOptions {
  policyFile: string;
  tlsCert?: string;
  tlsKey?: string;
  /** Poll interval (ms); 0 = no watching, reload on demand only. */
  intervalMs: number;
  log: Logger;
  metrics: WebhookMetrics;
  server: () => HttpsServer;
  onPolicy: (loaded: LoadedPolicy) => void;
}

export function createReloader(first: LoadedPolicy, o: ReloadOptions): Reloader {
  let loaded = first;
  const reloadPolicy = (): boolean => {
    try {
      loaded = loadPolicyFile(o.policyFile);
      o.onPolicy(loaded);
      o.metrics.reloads.inc({ what: "policy", result: "ok" });
      o.log.info({ policy: o.policyFile }, "policy reloaded");
      return true;
    } catch (err) {
      o.metrics.reloads.inc({ what: "policy", result: "error" });
      const problems =
        err instanceof PolicyError
          ? err.problems.map((p) => `${p.file}:${p.line}:${p.column}: ${p.message}`)
          : [String(err)];
      o.log.error({ policy: o.policyFile, problems }, "policy reload failed; keeping the last good policy");
      return false;
    }
  };
  const reloadTls = (): boolean => {
    if (!o.tlsCert || !o.tlsKey) return false;
    try {
      o.server().setSecureContext(loadServingPair(o.tlsCert, o.tlsKey));
      o.metrics.reloads.inc({ what: "tls", result: "ok" });
      o.log.info({ cert: o.tlsCert }, "TLS certificate reloaded");
      return true;
    } catch (err) {
      o.metrics.reloads.inc({ what: "tls", result: "error" });
      o.log.error(
        { cert: o.tlsCert, err: (err as Error).message },
        "TLS reload failed; keeping the current certificate",
      );
      return false;
    }
  };
  const watched: { file: string; listener: (cur: Stats, prev: Stats) => void }[] = [];
  const watch = (file: string, fn: () => void) => {
    const listener = (cur: Stats, prev: Stats) => {
      if (cur.mtimeMs !== prev.mtimeMs || cur.size !== prev.size || cur.ino !== prev.ino) fn();
    };
    watchFile(file, { interval: o.intervalMs, persistent: false }, listener);
    watched.push({ file, listener });
  };
  if (o.intervalMs > 0) {
    watch(o.policyFile, reloadPolicy);
    if (o.tlsCert && o.tlsKey) {
      watch(o.tlsCert, reloadTls);
      watch(o.tlsKey, reloadTls);
    }
  }
  return {
    current: () => loaded,
    reloadPolicy,
    reloadTls,
    stop: () => {
      for (const w of watched) unwatchFile(w.file, w.listener);
      watched.length = 0;
    },
  };
}
