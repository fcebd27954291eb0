/**
 * Glob matching of image names, for allow-lists and exemptions.
 *
 * - `familiarMatch(pattern, ref)` mirrors distribution's FamiliarMatch: Go `path.Match` against
 *   the familiar string (`nginx:1.25`) or the familiar name (`nginx`).
 * - `matchImagePattern(pattern, ref)` is what every Portcullis allow-list, private-registry
 *   list, key scope and exemption uses: the pattern is matched against the NORMALISED name
 *   (`docker.io/library/nginx`), so `nginx` cannot slip past a `docker.io/...` rule and
 *   `docker.io/acme/*` does not admit `docker.io/acme-evil/x`. `*` matches within one path
 *   segment, a whole segment `**` matches zero or more segments, `?` one character. Patterns
 *   are normalised like references (`library/*` means `docker.io/library/*`); a bare host
 *   (`registry.example.com`, `*.corp.example`) matches every repository on it.
 */
import { splitDockerDomain } from "./normalize.js";
import { parseReference } from "./parse.js";
import type { Reference } from "./reference.js";

/**
 * Other names of Docker Hub that pull from it: `index.docker.io` is folded by the parser, but
 * `registry-1.docker.io` (its API host) is a valid registry name that reaches the same
 * repositories, so a `docker.io/...` key scope or allow-list must see it as docker.io.
 */
const DOCKER_HUB_HOSTS = new Set(["index.docker.io", "registry-1.docker.io"]);

const cache = new Map<string, RegExp>();

/** Compile a glob; `doubleStar` lets `**` cross '/' (Go's path.Match has no such thing). */
export function globToRegExp(pattern: string, doubleStar = true): RegExp {
  const key = `${doubleStar ? 1 : 0}${pattern}`;
  const hit = cache.get(key);
  if (hit) return hit;
  let re = "";
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i];
    if (ch === "*") {
      if (doubleStar && pattern[i + 1] === "*") {
        // "/**/" may also match a single "/"
        if (pattern[i + 2] === "/" && re.endsWith("/")) {
          re += "(?:.*/)?";
          i += 2;
        } else {
          re += ".*";
          i += 1;
        }
      } else {
        while (pattern[i + 1] === "*") i++;
        re += "[^/]*";
      }
    } else if (ch === "?") {
      re += "[^/]";
    } else if (ch === "[") {
      const end = pattern.indexOf("]", i + 2);
      if (end < 0) {
        re += "\\[";
        continue;
      }
      let body = pattern.slice(i + 1, end);
      if (body.startsWith("!") || body.startsWith("^")) body = `^${body.slice(1)}`;
      re += `[${body.replace(/\\/g, "\\\\")}]`;
      i = end;
    } else if (ch === "\\" && i + 1 < pattern.length) {
      re += escapeRe(pattern[++i]);
    } else {
      re += escapeRe(ch);
    }
  }
  const compiled = new RegExp(`^${re}$`);
  cache.set(key, compiled);
  return compiled;
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&");
}

/** distribution's FamiliarMatch. */
export function familiarMatch(pattern: string, ref: Reference): boolean {
  const re = globToRegExp(pattern, false);
  return re.test(ref.familiar()) || re.test(ref.familiar().replace(/(?::[^/:@]*)?(?:@.*)?$/, ""));
}

/**
 * Normalise an image pattern the way references are normalised: `nginx` →
 * `docker.io/library/nginx`, `bitnami/*` → `docker.io/bitnami/*`, `index.docker.io/...` →
 * `docker.io/...`; a bare host (`registry.example.com`, `*.corp.example`, `localhost:5000`)
 * becomes `host/**`; `*` or `**` alone matches everything. Hosts are lowercased.
 */
export function normalizeImagePattern(pattern: string): string {
  const p = pattern.trim();
  const host = (h: string) => (DOCKER_HUB_HOSTS.has(h.toLowerCase()) ? "docker.io" : h.toLowerCase());
  if (!p.includes("/")) {
    if (/[.:[]/.test(p) || p === "localhost") return `${host(p)}/**`;
    if (p === "*" || p === "**") return "**";
  }
  const { domain, remainder } = splitDockerDomain(p);
  return `${host(domain)}/${remainder}`;
}

const segmentCache = new Map<string, RegExp>();

/**
 * Compile a normalised pattern segment by segment: `*` matches within one segment, a whole
 * segment `**` matches zero or more segments, `?` one character. Everything else is literal.
 */
function compileImagePattern(pattern: string): RegExp {
  let re = segmentCache.get(pattern);
  if (re) return re;
  const parts = normalizeImagePattern(pattern).split("/");
  let src = "^";
  parts.forEach((seg, i) => {
    if (seg === "**") {
      src += i === 0 ? "(?:[^/]+(?:/[^/]+)*)?" : "(?:/[^/]+)*";
      return;
    }
    if (i > 0) src += "/";
    src += seg
      .split("")
      .map((ch) => (ch === "*" ? "[^/]*" : ch === "?" ? "[^/]" : ch.replace(/[.+^${}()|[\]\\]/g, "\\$&")))
      .join("")
      .replace(/(?:\[\^\/\]\*)+/g, "[^/]*");
  });
  re = new RegExp(`${src}$`);
  segmentCache.set(pattern, re);
  return re;
}

/** Does a repository name (`domain/path`, any case of host) match the pattern? */
export function matchImageName(pattern: string, name: string): boolean {
  const slash = name.indexOf("/");
  let host = slash > 0 ? name.slice(0, slash).toLowerCase() : "";
  if (DOCKER_HUB_HOSTS.has(host)) host = "docker.io";
  const normalised = slash > 0 ? host + name.slice(slash) : name;
  return compileImagePattern(pattern).test(normalised);
}

/**
 * Match a reference's NORMALISED repository name (tag and digest ignored) against a pattern:
 * `docker.io/library/*`, `ghcr.io/my-org/**`, `registry.example.com`, `nginx`. This is the one
 * matcher behind allow-lists, private-registry lists, key scopes and exemptions everywhere.
 */
export function matchImagePattern(pattern: string, ref: Reference): boolean {
  return matchImageName(pattern, ref.name);
}

/** The first pattern that matches, or undefined. */
export function firstMatchingPattern(
  patterns: readonly string[] | undefined,
  name: string,
): string | undefined {
  return patterns?.find((p) => matchImageName(p, name));
}

/** Why a pattern cannot be used, or undefined when it is fine. */
export function validateImagePattern(pattern: string): string | undefined {
  if (pattern.includes("@")) return "patterns match repository names; leave out the digest";
  const n = normalizeImagePattern(pattern);
  const segments = n.split("/");
  if (segments.some((s) => s === "")) return "empty path segment";
  for (const s of segments) {
    if (s.includes("**") && s !== "**") return "'**' must be a whole segment (as in ghcr.io/org/**)";
  }
  const literal = n.replace(/\*\*/g, "x").replace(/[*?]/g, "x");
  const lastSeg = literal.slice(literal.lastIndexOf("/") + 1);
  if (lastSeg.includes(":") && !literal.startsWith(lastSeg))
    return "patterns name repositories; leave out the tag";
  try {
    parseReference(literal, { strictHost: true });
  } catch (err) {
    return (err as Error).message;
  }
  return undefined;
}
