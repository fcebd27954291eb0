/**
 * Where registry credentials come from: Docker's config.json (`auths` with `auth` or
 * username/password, `identitytoken`, `credHelpers`, `credsStore`), containers' auth.json
 * (REGISTRY_AUTH_FILE, ${XDG_RUNTIME_DIR}/containers/auth.json, ~/.config/containers/auth.json)
 * and Kubernetes pull secrets (`kubernetes.io/dockerconfigjson`, `kubernetes.io/dockercfg`).
 * Lookups match hosts like Docker and the kubelet (host-match.ts). Credentials never leave
 * this module except in an Authorization header; they are never logged or put in errors.
 */
import { existsSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { parseAllDocuments } from "yaml";
import type { Credential } from "./credential.js";
import { runCredentialHelper } from "./credential-helper.js";
import { RegistryError } from "./errors.js";
import { bestCredentialKey, credentialServerUrl, parseCredentialKey } from "./host-match.js";

export type { Credential } from "./credential.js";

export interface CredentialSource {
  /** Credentials for an image's registry domain (as in the reference, e.g. `docker.io`) and repository path. */
  lookup(registry: string, repository: string): Promise<Credential | undefined>;
}

/** The `auths` entry shape shared by config.json, auth.json and pull secrets. */
export interface AuthEntry {
  auth?: string;
  username?: string;
  password?: string;
  identitytoken?: string;
  registrytoken?: string;
  email?: string;
}

export interface DockerConfigFile {
  auths?: Record<string, AuthEntry>;
  credHelpers?: Record<string, string>;
  credsStore?: string;
}

/**
 * The username and password of a config entry: the base64 `auth` field ("user:password") when it
 * decodes to one, else the `username` and `password` fields.
 */
export function entryUserPassword(entry: AuthEntry): { username?: string; password?: string } {
  if (entry.auth) {
    const decoded = Buffer.from(entry.auth, "base64").toString("utf8");
    const i = decoded.indexOf(":");
    if (i > 0) return { username: decoded.slice(0, i), password: decoded.slice(i + 1) };
  }
  return { username: entry.username, password: entry.password };
}

function decodeEntry(entry: AuthEntry, source: string): Credential | undefined {
  if (entry.registrytoken) return { registryToken: entry.registrytoken, source };
  const { username, password } = entryUserPassword(entry);
  if (entry.identitytoken) return { username, identityToken: entry.identitytoken, source };
  if (username !== undefined && password !== undefined && (username !== "" || password !== "")) {
    return { username, password, source };
  }
  return undefined;
}

/** Credentials from an in-memory `auths` map (keys matched like the kubelet). */
export class AuthsCredentials implements CredentialSource {
  constructor(
    readonly auths: Record<string, AuthEntry>,
    readonly source = "auths",
  ) {}

  async lookup(registry: string, repository: string): Promise<Credential | undefined> {
    const key = bestCredentialKey(Object.keys(this.auths), registry, repository);
    return key === undefined ? undefined : decodeEntry(this.auths[key], this.source);
  }
}

/** A Docker config.json (or containers auth.json), with credHelpers and credsStore. */
export class DockerConfigCredentials implements CredentialSource {
  private readonly auths: AuthsCredentials;
  constructor(
    readonly config: DockerConfigFile,
    readonly file = "config.json",
  ) {
    this.auths = new AuthsCredentials(config.auths ?? {}, file);
  }

  static fromFile(file: string): DockerConfigCredentials {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(file, "utf8"));
    } catch (err) {
      throw new RegistryError(
        "CREDENTIALS",
        "-",
        `cannot read credentials file ${file}: ${(err as Error).message}`,
      );
    }
    if (typeof parsed !== "object" || parsed === null) {
      throw new RegistryError("CREDENTIALS", "-", `credentials file ${file}: expected a JSON object`);
    }
    return new DockerConfigCredentials(parsed as DockerConfigFile, file);
  }

  async lookup(registry: string, repository: string): Promise<Credential | undefined> {
    const helpers = this.config.credHelpers ?? {};
    const helperKey = Object.keys(helpers).find((k) => {
      const pk = parseCredentialKey(k);
      const pr = parseCredentialKey(registry);
      return pk.host === pr.host && pk.port === pr.port;
    });
    if (helperKey !== undefined) {
      return runCredentialHelper(helpers[helperKey], credentialServerUrl(registry), registry);
    }
    const fromAuths = await this.auths.lookup(registry, repository);
    if (fromAuths) return fromAuths;
    if (this.config.credsStore) {
      return runCredentialHelper(this.config.credsStore, credentialServerUrl(registry), registry);
    }
    return undefined;
  }
}

/** The first source that has credentials wins. */
export class ChainCredentials implements CredentialSource {
  constructor(readonly sources: CredentialSource[]) {}
  async lookup(registry: string, repository: string): Promise<Credential | undefined> {
    for (const s of this.sources) {
      const c = await s.lookup(registry, repository);
      if (c) return c;
    }
    return undefined;
  }
}

/** Fixed credentials per registry key (e.g. from flags). */
export class StaticCredentials extends AuthsCredentials {
  constructor(map: Record<string, { username: string; password: string }>) {
    super(
      Object.fromEntries(
        Object.entries(map).map(([k, v]) => [k, { username: v.username, password: v.password }]),
      ),
      "static",
    );
  }
}

/**
 * Read a Kubernetes pull Secret (YAML or JSON, possibly several documents or a List) of type
 * `kubernetes.io/dockerconfigjson` or `kubernetes.io/dockercfg` into an `auths` map.
 */
export function readPullSecretAuths(file: string): Record<string, AuthEntry> {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new RegistryError("CREDENTIALS", "-", `cannot read pull secret ${file}: ${(err as Error).message}`);
  }
  const auths: Record<string, AuthEntry> = {};
  const docs = parseAllDocuments(text);
  const list = Array.isArray(docs) ? docs : [docs];
  let found = 0;
  const visit = (obj: unknown) => {
    if (!obj || typeof obj !== "object") return;
    const o = obj as Record<string, unknown>;
    if (o.kind === "List" && Array.isArray(o.items)) {
      for (const item of o.items) visit(item);
      return;
    }
    const type = o.type;
    if (type !== "kubernetes.io/dockerconfigjson" && type !== "kubernetes.io/dockercfg") return;
    const data = (o.data ?? {}) as Record<string, string>;
    const stringData = (o.stringData ?? {}) as Record<string, string>;
    const keyName = type === "kubernetes.io/dockerconfigjson" ? ".dockerconfigjson" : ".dockercfg";
    const raw =
      stringData[keyName] ??
      (data[keyName] ? Buffer.from(data[keyName], "base64").toString("utf8") : undefined);
    if (raw === undefined) {
      throw new RegistryError(
        "CREDENTIALS",
        "-",
        `pull secret ${file}: ${type} Secret has no ${keyName} key`,
      );
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(raw);
    } catch {
      throw new RegistryError("CREDENTIALS", "-", `pull secret ${file}: ${keyName} is not valid JSON`);
    }
    const map = (
      type === "kubernetes.io/dockerconfigjson" ? (parsed as DockerConfigFile).auths : parsed
    ) as Record<string, AuthEntry>;
    Object.assign(auths, map ?? {});
    found++;
  };
  for (const doc of list) {
    if (doc.errors.length > 0) {
      throw new RegistryError(
        "CREDENTIALS",
        "-",
        `pull secret ${file}: ${doc.errors[0].message.split("\n")[0]}`,
      );
    }
    visit(doc.toJS());
  }
  if (found === 0) {
    throw new RegistryError(
      "CREDENTIALS",
      "-",
      `pull secret ${file}: no Secret of type kubernetes.io/dockerconfigjson or kubernetes.io/dockercfg found`,
    );
  }
  return auths;
}

export class PullSecretCredentials extends AuthsCredentials {
  constructor(file: string) {
    super(readPullSecretAuths(file), file);
  }
}

/** The files the default chain reads, in order (existing or not). */
export function defaultCredentialFiles(env: NodeJS.ProcessEnv = process.env): string[] {
  const files: string[] = [];
  if (env.REGISTRY_AUTH_FILE) files.push(env.REGISTRY_AUTH_FILE);
  if (env.XDG_RUNTIME_DIR) files.push(join(env.XDG_RUNTIME_DIR, "containers", "auth.json"));
  const home = env.HOME || homedir();
  files.push(join(env.XDG_CONFIG_HOME || join(home, ".config"), "containers", "auth.json"));
  files.push(join(env.DOCKER_CONFIG || join(home, ".docker"), "config.json"));
  return files;
}

/**
 * The default chain: `--pull-secret` files first (in the order given), then REGISTRY_AUTH_FILE,
 * containers auth.json, then Docker's config.json. Files are read lazily, once.
 */
export function defaultCredentialSource(
  opts: { pullSecretFiles?: string[]; env?: NodeJS.ProcessEnv } = {},
): CredentialSource {
  const sources: CredentialSource[] = (opts.pullSecretFiles ?? []).map((f) => new PullSecretCredentials(f));
  let loaded: CredentialSource[] | undefined;
  const lazy: CredentialSource = {
    async lookup(registry, repository) {
      loaded ??= defaultCredentialFiles(opts.env)
        .filter((f) => existsSync(f))
        .map((f) => DockerConfigCredentials.fromFile(f));
      for (const s of loaded) {
        const c = await s.lookup(registry, repository);
        if (c) return c;
      }
      return undefined;
    },
  };
  return new ChainCredentials([...sources, lazy]);
}
