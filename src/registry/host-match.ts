/**
 * Matching registry hosts the way Docker and the kubelet do: credential keys in config files
 * (`https://index.docker.io/v1/`, `registry.example.com`, `http://host:5000/v2/`,
 * `registry.example.com/team`, `*.example.com`) against an image's registry and repository,
 * and `--insecure-registry` patterns against a host. Also where the API of a registry lives
 * (docker.io → registry-1.docker.io). Not for parsing image references (src/reference/ does).
 */

/** Names of Docker Hub; all are one registry for credentials. */
const DOCKER_HUB_ALIASES = new Set(["docker.io", "index.docker.io", "registry-1.docker.io"]);

/** The canonical name used for Docker Hub in matching. */
export const DOCKER_HUB = "docker.io";
/** The key `docker login` writes for Docker Hub, and the ServerURL credential helpers expect. */
export const DOCKER_HUB_KEY = "https://index.docker.io/v1/";

export function isDockerHub(host: string): boolean {
  return DOCKER_HUB_ALIASES.has(host.toLowerCase());
}

/** The host to send API requests to for an image's registry domain. */
export function apiHost(domain: string): string {
  return isDockerHub(domain) ? "registry-1.docker.io" : domain;
}

/** The server URL credential helpers and `auths` keys use for a registry domain. */
export function credentialServerUrl(domain: string): string {
  return isDockerHub(domain) ? DOCKER_HUB_KEY : domain;
}

export interface CredentialKey {
  /** Lower-cased host labels without port, Docker Hub aliases folded to docker.io; may hold `*` globs. */
  host: string;
  port: string;
  /** Path after the host with `/v1/`, `/v2/` and a trailing `/` removed; "" for a host-only key. */
  path: string;
  wildcard: boolean;
}

function splitHostPort(hostport: string): { host: string; port: string } {
  if (hostport.startsWith("[")) {
    const end = hostport.indexOf("]");
    const host = hostport.slice(0, end + 1);
    const rest = hostport.slice(end + 1);
    return { host, port: rest.startsWith(":") ? rest.slice(1) : "" };
  }
  const i = hostport.lastIndexOf(":");
  if (i >= 0 && /^\d+$/.test(hostport.slice(i + 1)))
    return { host: hostport.slice(0, i), port: hostport.slice(i + 1) };
  return { host: hostport, port: "" };
}

/** Normalise a key from `auths` / a pull secret the way the kubelet's keyring does. */
export function parseCredentialKey(key: string): CredentialKey {
  let rest = key.trim().replace(/^[a-z][a-z0-9+.-]*:\/\//i, "");
  const slash = rest.indexOf("/");
  let path = "";
  if (slash >= 0) {
    path = rest.slice(slash);
    rest = rest.slice(0, slash);
  }
  if (path.startsWith("/v1/") || path.startsWith("/v2/")) path = path.slice(3);
  if (path === "/" || path === "/v1" || path === "/v2") path = "";
  path = path.replace(/^\/+/, "").replace(/\/+$/, "");
  const { host: rawHost, port } = splitHostPort(rest);
  let host = rawHost.toLowerCase();
  if (isDockerHub(host)) host = DOCKER_HUB;
  return { host, port, path, wildcard: host.includes("*") || host.includes("?") || host.includes("[") };
}

/** Glob match of one host label, as Go's filepath.Match on a label (`*`, `?`, no separators). */
function labelMatches(glob: string, label: string): boolean {
  if (!/[*?[]/.test(glob)) return glob === label;
  const re = new RegExp(
    `^${glob
      .split("")
      .map((ch) => (ch === "*" ? "[^.]*" : ch === "?" ? "[^.]" : ch.replace(/[\\^$+.()|{}\]]/g, "\\$&")))
      .join("")}$`,
  );
  return re.test(label);
}

/**
 * How well a credential key matches an image's registry and repository: undefined when it does
 * not; otherwise a score, higher = more specific (exact host over wildcard, longer path prefix).
 * Ports must be equal; the key's path must be a prefix of the repository (kubelet semantics).
 */
export function credentialKeyScore(key: string, domain: string, repository: string): number | undefined {
  const k = parseCredentialKey(key);
  const target = parseCredentialKey(domain);
  if (k.port !== target.port) return undefined;
  const kl = k.host.split(".");
  const tl = target.host.split(".");
  if (kl.length !== tl.length) return undefined;
  for (let i = 0; i < kl.length; i++) if (!labelMatches(kl[i], tl[i])) return undefined;
  if (k.path && !repository.startsWith(k.path)) return undefined;
  return (k.wildcard ? 0 : 10_000) + k.path.length;
}

/** Best matching key of a map (e.g. `auths`), or undefined. */
export function bestCredentialKey(
  keys: Iterable<string>,
  domain: string,
  repository: string,
): string | undefined {
  let best: string | undefined;
  let bestScore = -1;
  for (const key of keys) {
    const s = credentialKeyScore(key, domain, repository);
    if (s !== undefined && (s > bestScore || (s === bestScore && best !== undefined && key > best))) {
      best = key;
      bestScore = s;
    }
  }
  return best;
}

/** Whether a host (no port) is a loopback address or name. */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, "").toLowerCase();
  return (
    h === "localhost" || h === "::1" || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(h) || h.endsWith(".localhost")
  );
}

function ipv4ToInt(ip: string): number | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(ip);
  if (!m) return undefined;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return undefined;
  return ((parts[0] << 24) | (parts[1] << 16) | (parts[2] << 8) | parts[3]) >>> 0;
}

/**
 * Whether a registry (`host[:port]`) is covered by an `--insecure-registry` pattern:
 * `host`, `host:port`, `*.example.com` (any port unless given), or an IPv4 CIDR `10.0.0.0/8`.
 */
export function matchesRegistryPattern(pattern: string, registry: string): boolean {
  const p = pattern
    .trim()
    .replace(/^[a-z]+:\/\//i, "")
    .replace(/\/+$/, "");
  const { host, port } = splitHostPort(registry.toLowerCase());
  const cidr = /^(\d{1,3}(?:\.\d{1,3}){3})\/(\d{1,2})$/.exec(p);
  if (cidr) {
    const base = ipv4ToInt(cidr[1]);
    const ip = ipv4ToInt(host);
    const bits = Number(cidr[2]);
    if (base === undefined || ip === undefined || bits > 32) return false;
    const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
    return (base & mask) === (ip & mask);
  }
  const pp = splitHostPort(p.toLowerCase());
  if (pp.port && pp.port !== port) return false;
  const pl = pp.host.split(".");
  const hl = host.split(".");
  if (pl.length !== hl.length) return false;
  return pl.every((g, i) => labelMatches(g, hl[i]));
}

/** Registry host without port (for loopback checks). */
export function hostOf(registry: string): string {
  return splitHostPort(registry).host;
}
