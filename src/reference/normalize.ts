/**
 * Normalisation of familiar names to fully qualified ones (`nginx` → `docker.io/library/nginx`)
 * and back. Mirrors distribution's normalize.go; the grammar itself is in grammar.ts.
 */

export const DEFAULT_DOMAIN = "docker.io";
export const LEGACY_DEFAULT_DOMAIN = "index.docker.io";
export const OFFICIAL_REPO_PREFIX = "library/";

/**
 * Split off the registry host. The first component is a host when it has a '.' or ':', is
 * `localhost`, or has an uppercase letter (hostnames are case-insensitive, repositories are not).
 */
export function splitDockerDomain(name: string): { domain: string; remainder: string } {
  const i = name.indexOf("/");
  let domain: string;
  let remainder: string;
  const first = i >= 0 ? name.slice(0, i) : "";
  if (i === -1 || (!/[.:]/.test(first) && first !== "localhost" && first.toLowerCase() === first)) {
    domain = DEFAULT_DOMAIN;
    remainder = name;
  } else {
    domain = first;
    remainder = name.slice(i + 1);
  }
  if (domain === LEGACY_DEFAULT_DOMAIN) domain = DEFAULT_DOMAIN;
  if (domain === DEFAULT_DOMAIN && !remainder.includes("/")) remainder = OFFICIAL_REPO_PREFIX + remainder;
  return { domain, remainder };
}

/** The short form people type: `nginx`, `bitnami/redis`, `ghcr.io/org/app`. */
export function familiarName(domain: string, path: string): string {
  if (domain !== DEFAULT_DOMAIN) return domain ? `${domain}/${path}` : path;
  if (path.startsWith(OFFICIAL_REPO_PREFIX) && !path.slice(OFFICIAL_REPO_PREFIX.length).includes("/")) {
    return path.slice(OFFICIAL_REPO_PREFIX.length);
  }
  return path;
}
