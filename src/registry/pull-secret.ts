/**
 * Building Kubernetes `kubernetes.io/dockerconfigjson` pull Secrets exactly as
 * `kubectl create secret docker-registry … --dry-run=client` does (same keys, key order and
 * encoding, including Go's JSON escaping), either from one server's credentials or from the
 * `auths` of a Docker config file (entries held by credential helpers are fetched from them).
 */
import { readFileSync } from "node:fs";
import { runCredentialHelper } from "./credential-helper.js";
import { type AuthEntry, type DockerConfigFile, entryUserPassword } from "./credentials.js";
import { RegistryError } from "./errors.js";

/** kubectl's default --docker-server. */
export const KUBECTL_DEFAULT_SERVER = "https://index.docker.io/v1/";

export interface DockerRegistrySecretInput {
  name: string;
  namespace?: string;
  /** server → entry, in the order they should appear. */
  auths: Record<string, { username: string; password: string; email?: string }>;
}

/** JSON as Go's encoding/json writes it: `<`, `>`, `&`, U+2028 and U+2029 escaped. */
export function goJson(value: unknown, indent?: number): string {
  return JSON.stringify(value, null, indent).replace(/[<>&\u2028\u2029]/g, (c) => {
    return `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`;
  });
}

/** The `.dockerconfigjson` text: `{"auths":{server:{username,password,email?,auth}}}`. */
export function dockerConfigJson(auths: DockerRegistrySecretInput["auths"]): string {
  const out: Record<string, Record<string, string>> = {};
  for (const [server, e] of Object.entries(auths)) {
    const entry: Record<string, string> = { username: e.username, password: e.password };
    if (e.email) entry.email = e.email;
    entry.auth = Buffer.from(`${e.username}:${e.password}`).toString("base64");
    out[server] = entry;
  }
  return goJson({ auths: out });
}

export interface SecretObject {
  apiVersion: "v1";
  kind: "Secret";
  metadata: { name: string; namespace?: string; creationTimestamp: null };
  data: { ".dockerconfigjson": string };
  type: "kubernetes.io/dockerconfigjson";
}

export function buildDockerRegistrySecret(input: DockerRegistrySecretInput): SecretObject {
  const metadata: SecretObject["metadata"] = { name: input.name, creationTimestamp: null };
  if (input.namespace) metadata.namespace = input.namespace;
  return {
    apiVersion: "v1",
    kind: "Secret",
    metadata,
    data: { ".dockerconfigjson": Buffer.from(dockerConfigJson(input.auths)).toString("base64") },
    type: "kubernetes.io/dockerconfigjson",
  };
}

/** `-o yaml` as kubectl prints it (keys sorted). Name and namespace must already be validated. */
export function secretToYaml(s: SecretObject): string {
  const lines = [
    "apiVersion: v1",
    "data:",
    `  .dockerconfigjson: ${s.data[".dockerconfigjson"]}`,
    "kind: Secret",
    "metadata:",
    "  creationTimestamp: null",
    `  name: ${s.metadata.name}`,
  ];
  if (s.metadata.namespace) lines.push(`  namespace: ${s.metadata.namespace}`);
  lines.push("type: kubernetes.io/dockerconfigjson");
  return `${lines.join("\n")}\n`;
}

/** `-o json` as kubectl prints it (Go struct field order, 4-space indent). */
export function secretToJson(s: SecretObject): string {
  const metadata: Record<string, unknown> = { name: s.metadata.name };
  if (s.metadata.namespace) metadata.namespace = s.metadata.namespace;
  metadata.creationTimestamp = null;
  return `${goJson({ kind: "Secret", apiVersion: "v1", metadata, data: s.data, type: s.type }, 4)}\n`;
}

const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** A problem with a Secret name (DNS-1123 subdomain, ≤ 253), or undefined. */
export function secretNameProblem(name: string): string | undefined {
  if (name.length === 0 || name.length > 253 || !DNS_SUBDOMAIN.test(name)) {
    return `invalid Secret name ${JSON.stringify(name)}: must be a lowercase RFC 1123 subdomain (a-z, 0-9, '-', '.'), at most 253 characters`;
  }
  return undefined;
}

/** A problem with a namespace (DNS-1123 label, ≤ 63), or undefined. */
export function namespaceProblem(ns: string): string | undefined {
  if (ns.length === 0 || ns.length > 63 || !DNS_LABEL.test(ns)) {
    return `invalid namespace ${JSON.stringify(ns)}: must be a lowercase RFC 1123 label (a-z, 0-9, '-'), at most 63 characters`;
  }
  return undefined;
}

/**
 * The auths of a Docker config file, as username/password/email per server. Entries whose
 * secrets live in a credential helper (`credHelpers`, `credsStore`) are fetched from it.
 * With `onlyServer`, just that server's entry (error when absent).
 */
export async function authsFromDockerConfig(
  file: string,
  onlyServer?: string,
): Promise<DockerRegistrySecretInput["auths"]> {
  let cfg: DockerConfigFile;
  try {
    cfg = JSON.parse(readFileSync(file, "utf8")) as DockerConfigFile;
  } catch (err) {
    throw new RegistryError(
      "CREDENTIALS",
      "-",
      `cannot read Docker config ${file}: ${(err as Error).message}`,
    );
  }
  const servers = new Set<string>([...Object.keys(cfg.auths ?? {}), ...Object.keys(cfg.credHelpers ?? {})]);
  const out: DockerRegistrySecretInput["auths"] = {};
  for (const server of servers) {
    if (onlyServer !== undefined && server !== onlyServer) continue;
    const entry: AuthEntry = cfg.auths?.[server] ?? {};
    let { username, password } = entryUserPassword(entry);
    if (username === undefined || password === undefined) {
      const helper = cfg.credHelpers?.[server] ?? cfg.credsStore;
      if (helper) {
        const c = await runCredentialHelper(helper, server, server);
        if (c?.password !== undefined) {
          username = c.username ?? "";
          password = c.password;
        }
      }
    }
    if (username === undefined || password === undefined) continue;
    out[server] = { username, password, ...(entry.email ? { email: entry.email } : {}) };
  }
  if (Object.keys(out).length === 0) {
    throw new RegistryError(
      "CREDENTIALS",
      onlyServer ?? "-",
      onlyServer
        ? `Docker config ${file} has no usable credentials for ${onlyServer}`
        : `Docker config ${file} has no usable credentials`,
    );
  }
  return out;
}
