/**
 * `portcullis webhook serve | install`: run the admission webhook, or print the manifests that
 * run it in a cluster.
 */
import { readFileSync, statSync } from "node:fs";
import { type Command, Option } from "commander";
import { parse as parseYaml } from "yaml";
import { PolicyError } from "../../policy/load.js";
import { installManifests } from "../../webhook/install.js";
import { startWebhook } from "../../webhook/server.js";
import { resolveTiming, type Timing, TimingError } from "../../webhook/timing.js";
import { TlsFileError } from "../../webhook/tls-files.js";
import { OperationalError, UsageError } from "../errors.js";
import { describeFsError, requireDirectory } from "../files.js";
import { parseDuration } from "../option-values.js";
import { requirePolicy } from "../policy-file.js";

/**
 * --timeout-seconds and --deadline → the timing both `serve` and `install` use (timing.ts):
 * the deadline defaults to timeoutSeconds − 2 s and must leave a second of it.
 */
export function parseTiming(
  flags: { timeoutSeconds?: string; deadline?: string },
  opts: { deadlineSetsTimeout?: boolean } = {},
): Timing {
  let timeoutSeconds: number | undefined;
  if (flags.timeoutSeconds !== undefined) {
    timeoutSeconds = Number(flags.timeoutSeconds);
    if (!/^\d+$/.test(flags.timeoutSeconds.trim()))
      throw new UsageError(
        `--timeout-seconds: expected a whole number of seconds (1-30), got "${flags.timeoutSeconds}"`,
      );
  }
  let deadlineMs: number | undefined;
  if (flags.deadline !== undefined) {
    deadlineMs = parseDuration(flags.deadline, "--deadline", { allowZero: true });
    if (deadlineMs <= 0)
      throw new UsageError(`--deadline must be greater than zero (got "${flags.deadline}")`);
  }
  try {
    return resolveTiming({ timeoutSeconds, deadlineMs, deadlineText: flags.deadline }, opts);
  } catch (err) {
    if (err instanceof TimingError) throw new UsageError(err.message);
    throw err;
  }
}

/** A whole number flag of at least 1. */
function positiveInt(flag: string, s: string | undefined): number | undefined {
  if (s === undefined) return undefined;
  if (!/^\d+$/.test(s.trim()) || Number(s) < 1)
    throw new UsageError(`${flag}: expected a whole number of at least 1, got "${s}"`);
  return Number(s);
}

/** A file given by a flag must be a readable file; say which flag and why otherwise. */
function requireReadableFile(flag: string, file: string): void {
  try {
    if (!statSync(file).isFile()) throw Object.assign(new Error("not a file"), { code: "EISDIR" });
    readFileSync(file);
  } catch (err) {
    throw new UsageError(`${flag} ${file}: ${describeFsError(err)}`);
  }
}

/** --namespace-labels: a YAML map namespace -> { label: value }. */
export function readNamespaceLabels(file: string): Record<string, Record<string, string>> {
  let value: unknown;
  try {
    value = parseYaml(readFileSync(file, "utf8"));
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code ? describeFsError(err) : (err as Error).message;
    throw new UsageError(`--namespace-labels ${file}: ${why}`);
  }
  const expected = "expected a YAML map of namespace -> { label: value }, e.g. 'shop: { team: web }'";
  if (value === null || value === undefined) return {};
  if (typeof value !== "object" || Array.isArray(value))
    throw new UsageError(`--namespace-labels ${file}: ${expected}`);
  const out: Record<string, Record<string, string>> = {};
  for (const [ns, labels] of Object.entries(value as Record<string, unknown>)) {
    if (labels === null) {
      out[ns] = {};
      continue;
    }
    if (typeof labels !== "object" || Array.isArray(labels))
      throw new UsageError(`--namespace-labels ${file}: namespace "${ns}": ${expected}`);
    out[ns] = {};
    for (const [k, v] of Object.entries(labels as Record<string, unknown>)) {
      if (typeof v === "object" && v !== null)
        throw new UsageError(
          `--namespace-labels ${file}: namespace "${ns}", label "${k}": expected a string value`,
        );
      out[ns][k] = String(v);
    }
  }
  return out;
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
  deadline?: string;
  timeoutSeconds?: string;
  maxImages?: string;
  maxLookups?: string;
  maxConnectionsPerSource?: string;
  namespaceLabels?: string;
  caFile?: string;
  logLevel: string;
  secretsDir: string[];
  db?: string;
  digestTtl: string;
  verdictTtl: string;
  failureTtl: string;
}

export function register(program: Command): void {
  const webhook = program
    .command("webhook")
    .description("the admission webhook: enforce the ImagePolicy in a cluster (serve, install)")
    .addHelpText(
      "after",
      `
Examples:
  portcullis webhook install --policy policy.yaml --image ghcr.io/acme/portcullis:0.1.0@sha256:… | kubectl apply -f -
  portcullis webhook serve --policy policy.yaml --listen 127.0.0.1:8443

Run 'portcullis webhook serve --help' or 'portcullis webhook install --help' for their flags.`,
    );

  webhook
    .command("serve")
    .description("serve /validate, /mutate (AdmissionReview v1) and /imagereview over HTTPS")
    .option("--policy <file>", "the ImagePolicy file (required; reloaded when it changes)")
    .option("--listen <host:port>", "address to listen on", "127.0.0.1:8443")
    .option("--tls-cert <file>", "serving certificate (PEM; reloaded when it changes)")
    .option("--tls-key <file>", "its private key (PEM)")
    .option("--tls-dir <dir>", "where to write the generated CA and certificate (without --tls-cert)")
    .option(
      "--timeout-seconds <n>",
      "the webhook configuration's timeoutSeconds (1-30, default 10); the deadline derives from it",
    )
    .option("--deadline <duration>", "per-request deadline (default: timeoutSeconds - 2s)")
    .option("--max-images <n>", "most distinct images one review may name; more are denied (default 100)")
    .option("--max-lookups <n>", "registry look-ups in flight at once, across all reviews (default 32)")
    .option(
      "--max-connections-per-source <n>",
      "most connections one source address may hold open (default 256)",
    )
    .option(
      "--namespace-labels <file>",
      "YAML map namespace -> labels, for namespaceSelector and portcullis.dev/mode",
    )
    .option("--ca-file <file>", "extra CA certificates for registries")
    .option(
      "--secrets-dir <dir>",
      "folder holding the policy's key Secrets as <namespace>/<name>/<key> or <namespace>/<name>.yaml (repeatable; searched before $PORTCULLIS_SECRETS_DIR)",
      (value: string, previous: string[]) => [...previous, value],
      [],
    )
    .option(
      "--db <file|postgres://…>",
      "the vulnerability database for the policy's vulnerabilities rule (default: $PORTCULLIS_DB, else $XDG_CACHE_HOME/portcullis/vuln.db)",
    )
    .addOption(
      new Option("--log-level <level>", "log level (debug logs every allowed request)")
        .choices(["fatal", "error", "warn", "info", "debug", "trace", "silent"])
        .default("info"),
    )
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
Without --tls-cert/--tls-key a CA and serving certificate are generated for the session
(in-process); the log line "generated a self-signed CA" names the CA file to trust.
Endpoints: POST /validate, /mutate, /imagereview; GET /healthz, /readyz, /metrics.
Signals: SIGTERM/SIGINT stop gracefully (in-flight reviews finish); SIGHUP reloads the policy.

Examples:
  portcullis webhook serve --policy policy.yaml --listen 127.0.0.1:8443
  portcullis webhook serve --policy /etc/portcullis/policy.yaml --listen 0.0.0.0:8443 \\
    --tls-cert /etc/tls/tls.crt --tls-key /etc/tls/tls.key --timeout-seconds 10
  portcullis webhook serve --policy policy.yaml --secrets-dir /var/run/portcullis/secrets
  portcullis webhook serve --policy policy.yaml --db postgres://portcullis@db.internal/vulns

Exit codes: 0 stopped by SIGTERM/SIGINT, 2 bad flags, invalid policy or a certificate/key that
cannot be used (the message names the file), 3 cannot start (address in use).`,
    )
    .action(async (flags: ServeFlags) => {
      if (!flags.policy)
        throw new UsageError("--policy FILE is required (portcullis policy init writes a starter policy)");
      if (Boolean(flags.tlsCert) !== Boolean(flags.tlsKey))
        throw new UsageError("give both --tls-cert and --tls-key, or neither");
      if (flags.tlsCert) requireReadableFile("--tls-cert", flags.tlsCert);
      if (flags.tlsKey) requireReadableFile("--tls-key", flags.tlsKey);
      for (const dir of flags.secretsDir) requireDirectory("--secrets-dir", dir);
      const { host, port } = parseListen(flags.listen);
      const namespaceLabels = flags.namespaceLabels ? readNamespaceLabels(flags.namespaceLabels) : undefined;
      const { pino } = await import("pino");
      // Asynchronous writes: a blocked stdout must not stall admission responses.
      const destination = pino.destination({ dest: 1, sync: false });
      const logger = pino({ name: "portcullis-webhook", level: flags.logLevel }, destination);
      const timing = parseTiming(flags);
      const durations = {
        digestTtlMs: parseDuration(flags.digestTtl, "--digest-ttl", { allowZero: true }),
        verdictTtlMs: parseDuration(flags.verdictTtl, "--verdict-ttl", { allowZero: true }),
        failureTtlMs: parseDuration(flags.failureTtl, "--failure-ttl", { allowZero: true }),
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
          ...timing,
          maxImages: positiveInt("--max-images", flags.maxImages),
          maxLookups: positiveInt("--max-lookups", flags.maxLookups),
          maxConnectionsPerSource: positiveInt("--max-connections-per-source", flags.maxConnectionsPerSource),
          namespaceLabels,
          logger,
          inspector: {
            registry: flags.caFile ? { caFile: flags.caFile } : {},
            digestTtlMs: durations.digestTtlMs,
            verdictTtlMs: durations.verdictTtlMs,
            failureTtlMs: durations.failureTtlMs,
            ...(flags.secretsDir.length ? { secretsDirs: flags.secretsDir } : {}),
            ...(flags.db ? { vulnDb: flags.db } : {}),
          },
        });
      } catch (err) {
        if (err instanceof PolicyError) throw new UsageError(`invalid policy, not starting:\n${err.message}`);
        if (err instanceof TlsFileError) throw new UsageError(`not starting: ${err.message}`);
        throw new OperationalError(`cannot start: ${(err as Error).message}`);
      }
      await new Promise<void>((resolve) => {
        const stop = (signal: string) => {
          logger.info({ signal }, "shutting down");
          const done = () => {
            destination.flushSync();
            resolve();
          };
          server.close().then(done, done);
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
    .option(
      "--timeout-seconds <n>",
      "timeoutSeconds of both webhook configurations (1-30, default 10); the pods' deadline is 2 s under it",
    )
    .option("--deadline <duration>", "explicit per-request deadline (at least 1 s under timeoutSeconds)")
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
    .action(
      async (flags: {
        policy?: string;
        namespace: string;
        image?: string;
        deadline?: string;
        timeoutSeconds?: string;
      }) => {
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
        const timing = parseTiming(flags, { deadlineSetsTimeout: true });
        if (!flags.image?.includes("@sha256:")) {
          process.stderr.write(
            "warning: the webhook image is not pinned by digest; pass --image name:tag@sha256:… (portcullis resolve finds it)\n",
          );
        }
        process.stdout.write(
          await installManifests({
            namespace: ns,
            image: flags.image,
            policyText,
            policy: loaded.policy,
            timeoutSeconds: timing.timeoutSeconds,
            deadlineMs: flags.deadline !== undefined ? timing.deadlineMs : undefined,
          }),
        );
      },
    );
}
