/**
 * `portcullis webhook serve | install`: run the admission webhook, or print the manifests that
 * run it in a cluster.
 */
import { readFileSync } from "node:fs";
import type { Command } from "commander";
import { parse as parseYaml } from "yaml";
import { PolicyError } from "../../policy/load.js";
import { installManifests } from "../../webhook/install.js";
import { startWebhook } from "../../webhook/server.js";
import { OperationalError, UsageError } from "../errors.js";
import { requirePolicy } from "./policy.js";

/** "10s", "500ms", "2m", or plain milliseconds. */
export function parseDuration(s: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(s.trim());
  if (!m) throw new UsageError(`bad duration "${s}" (expected e.g. 500ms, 10s, 2m, 1h)`);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] ?? "ms"] ?? 1;
  return Math.round(Number(m[1]) * unit);
}

function parseListen(s: string): { host: string; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d+)$/.exec(s);
  if (!m) throw new UsageError(`--listen: expected HOST:PORT, got "${s}"`);
  const port = Number(m[3]);
  if (port > 65535) throw new UsageError(`--listen: bad port ${port}`);
  return { host: m[1] ?? (m[2] || "0.0.0.0"), port };
}

interface ServeFlags {
  policy?: string;
  listen: string;
  tlsCert?: string;
  tlsKey?: string;
  tlsDir?: string;
  deadline: string;
  namespaceLabels?: string;
  caFile?: string;
  logLevel: string;
  digestTtl: string;
  verdictTtl: string;
  failureTtl: string;
}

export function register(program: Command): void {
  const webhook = program
    .command("webhook")
    .description("the admission webhook: enforce the ImagePolicy in a cluster (serve, install)");

  webhook
    .command("serve")
    .description("serve /validate, /mutate (AdmissionReview v1) and /imagereview over HTTPS")
    .option("--policy <file>", "the ImagePolicy file (required; reloaded when it changes)")
    .option("--listen <host:port>", "address to listen on", "127.0.0.1:8443")
    .option("--tls-cert <file>", "serving certificate (PEM; reloaded when it changes)")
    .option("--tls-key <file>", "its private key (PEM)")
    .option("--tls-dir <dir>", "where to write the generated CA and certificate (without --tls-cert)")
    .option("--deadline <duration>", "per-request deadline, under the webhook's timeoutSeconds", "10s")
    .option(
      "--namespace-labels <file>",
      "YAML map namespace -> labels, for namespaceSelector and portcullis.dev/mode",
    )
    .option("--ca-file <file>", "extra CA certificates for registries")
    .option("--log-level <level>", "pino log level (debug logs every allowed request)", "info")
    .option("--digest-ttl <duration>", "how long a tag -> digest resolution is cached", "5m")
    .option(
      "--verdict-ttl <duration>",
      "how long signature/attestation/scan verdicts are cached (by digest)",
      "1h",
    )
    .option("--failure-ttl <duration>", "how long failed look-ups are cached", "10s")
    .addHelpText(
      "after",
      `
Without --tls-cert/--tls-key a CA and serving certificate are generated for the session (with
openssl); the log line "generated a self-signed CA" names the CA file to trust.
Endpoints: POST /validate, /mutate, /imagereview; GET /healthz, /readyz, /metrics.
Signals: SIGTERM/SIGINT stop gracefully (in-flight reviews finish); SIGHUP reloads the policy.

Examples:
  portcullis webhook serve --policy policy.yaml --listen 127.0.0.1:8443
  portcullis webhook serve --policy /etc/portcullis/policy.yaml --listen 0.0.0.0:8443 \\
    --tls-cert /etc/tls/tls.crt --tls-key /etc/tls/tls.key --deadline 8s`,
    )
    .action(async (flags: ServeFlags) => {
      if (!flags.policy) throw new UsageError("--policy FILE is required");
      if (Boolean(flags.tlsCert) !== Boolean(flags.tlsKey))
        throw new UsageError("give both --tls-cert and --tls-key, or neither");
      const { host, port } = parseListen(flags.listen);
      let namespaceLabels: Record<string, Record<string, string>> | undefined;
      if (flags.namespaceLabels) {
        try {
          namespaceLabels = parseYaml(readFileSync(flags.namespaceLabels, "utf8")) as Record<
            string,
            Record<string, string>
          >;
        } catch (err) {
          throw new UsageError(`--namespace-labels ${flags.namespaceLabels}: ${(err as Error).message}`);
        }
      }
      const { pino } = await import("pino");
      const logger = pino({ name: "portcullis-webhook", level: flags.logLevel });
      const durations = {
        deadlineMs: parseDuration(flags.deadline),
        digestTtlMs: parseDuration(flags.digestTtl),
        verdictTtlMs: parseDuration(flags.verdictTtl),
        failureTtlMs: parseDuration(flags.failureTtl),
      };
      let server: Awaited<ReturnType<typeof startWebhook>>;
      try {
        server = await startWebhook({
          policyFile: flags.policy,
          host,
          port,
          tlsCert: flags.tlsCert,
          tlsKey: flags.tlsKey,
          tlsDir: flags.tlsDir,
          deadlineMs: durations.deadlineMs,
          namespaceLabels,
          logger,
          inspector: {
            registry: flags.caFile ? { caFile: flags.caFile } : {},
            digestTtlMs: durations.digestTtlMs,
            verdictTtlMs: durations.verdictTtlMs,
            failureTtlMs: durations.failureTtlMs,
          },
        });
      } catch (err) {
        if (err instanceof PolicyError) throw new UsageError(`invalid policy, not starting:\n${err.message}`);
        throw new OperationalError(`cannot start: ${(err as Error).message}`);
      }
      await new Promise<void>((resolve) => {
        const stop = (signal: string) => {
          logger.info({ signal }, "shutting down");
          server.close().then(resolve, resolve);
        };
        process.once("SIGTERM", () => stop("SIGTERM"));
        process.once("SIGINT", () => stop("SIGINT"));
        process.on("SIGHUP", () => server.reloadPolicy());
      });
    });

  webhook
    .command("install")
    .description("print the manifests that run the webhook (kubectl apply -f -)")
    .option("--policy <file>", "the ImagePolicy to put in the ConfigMap (default: the starter policy)")
    .option("--namespace <ns>", "namespace to install into", "portcullis")
    .option("--image <image>", "the Portcullis image (pin it: name:tag@sha256:…)")
    .option("--deadline <duration>", "per-request deadline; timeoutSeconds is set 3 s above it", "10s")
    .addHelpText(
      "after",
      `
Prints: Namespace, ServiceAccount, ConfigMap (policy), Secret (generated TLS), Deployment (2
replicas, restricted Pod Security), PodDisruptionBudget, Service, MutatingWebhookConfiguration
(failurePolicy Ignore) and ValidatingWebhookConfiguration (failurePolicy Fail), both skipping
kube-system and the webhook's namespace.

Examples:
  portcullis webhook install --policy policy.yaml | kubectl apply -f -
  portcullis webhook install --image ghcr.io/portcullis/portcullis:0.1.0@sha256:… > portcullis.yaml`,
    )
    .action(async (flags: { policy?: string; namespace: string; image?: string; deadline: string }) => {
      let policyText: string;
      let loaded: ReturnType<typeof requirePolicy>;
      if (flags.policy) {
        loaded = requirePolicy(flags.policy);
        policyText = readFileSync(flags.policy, "utf8");
      } else {
        const { STARTER_POLICY } = await import("../../policy/starter.js");
        const { parsePolicy } = await import("../../policy/load.js");
        policyText = STARTER_POLICY;
        loaded = parsePolicy(policyText, "starter policy");
      }
      const ns = flags.namespace;
      if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(ns) || ns.length > 63) {
        throw new UsageError(`--namespace: "${ns}" is not a valid namespace name`);
      }
      if (!flags.image?.includes("@sha256:")) {
        process.stderr.write(
          "warning: the webhook image is not pinned by digest; pass --image name:tag@sha256:… (portcullis resolve finds it)\n",
        );
      }
      process.stdout.write(
        installManifests({
          namespace: ns,
          image: flags.image,
          policyText,
          policy: loaded.policy,
          deadlineMs: parseDuration(flags.deadline),
        }),
      );
    });
}
