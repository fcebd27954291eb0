/**
 * The registry connection flags every registry-facing verb shares, defined once so they mean
 * the same everywhere: --ca-file, --insecure-registry (one host per flag, repeatable — a list
 * flag would swallow the image argument), --pull-secret (repeatable), --timeout; and the
 * RegistryClient built from them.
 */
import type { Command } from "commander";
import { RegistryClient, type RegistryClientOptions } from "../registry/client.js";
import { RegistryError } from "../registry/errors.js";
import { UsageError } from "./errors.js";
import { DURATION_HELP, parseDuration, repeatable } from "./option-values.js";

export interface RegistryFlags {
  caFile?: string;
  insecureRegistry?: string[];
  pullSecret?: string[];
  timeout?: string;
}

/** Add the registry connection flags every registry-facing verb shares. */
export function addRegistryOptions(cmd: Command): Command {
  return cmd
    .option("--ca-file <file>", "PEM file of extra CA certificates to trust for registry TLS")
    .option(
      "--insecure-registry <host>",
      "allow plain http for this registry (host[:port], *.example.com or CIDR; repeatable; loopback is always allowed)",
      repeatable,
    )
    .option(
      "--pull-secret <file>",
      "Kubernetes dockerconfigjson/dockercfg Secret to take credentials from (repeatable; before ~/.docker/config.json)",
      repeatable,
    )
    .option("--timeout <duration>", `per-request timeout (${DURATION_HELP}; default 30s)`);
}

/** The client options the flags say (for library calls that make their own client). */
export function registryOptionsFromFlags(flags: RegistryFlags): RegistryClientOptions {
  return {
    caFile: flags.caFile,
    insecureRegistries: flags.insecureRegistry,
    pullSecretFiles: flags.pullSecret,
    timeoutMs: flags.timeout ? parseDuration(flags.timeout, "--timeout") : undefined,
  };
}

/** A client from the flags; a bad flag value (CA file, pull secret, host pattern) is exit 2. */
export function clientFromFlags(flags: RegistryFlags): RegistryClient {
  try {
    return new RegistryClient(registryOptionsFromFlags(flags));
  } catch (err) {
    if (err instanceof RegistryError) throw new UsageError(err.message.replace(/^registry -: /, ""));
    throw err;
  }
}

export const REGISTRY_HELP = `
Credentials: --pull-secret files, then REGISTRY_AUTH_FILE, \${XDG_RUNTIME_DIR}/containers/auth.json,
~/.config/containers/auth.json, then ~/.docker/config.json (auths, credHelpers, credsStore).
Anonymous when none match. TLS is always verified (add a private CA with --ca-file); plain http
is used only for --insecure-registry hosts and loopback addresses, after https was tried.`;
