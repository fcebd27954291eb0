/**
 * Image patterns of the policy (allowed registries, private registries, key scopes, exemptions),
 * matched against the NORMALISED repository name from parseReference, never against the text
 * as written: `nginx` is `docker.io/library/nginx`, so it cannot slip past a `docker.io/...`
 * rule the way it slips past string-prefix allow-lists, and `docker.io/myorg` does not admit
 * `docker.io/myorg-evil/x`.
 *
 * Grammar: segments separated by '/'; `*` matches within one segment, `**` (a whole segment)
 * matches any number of segments (zero or more). A pattern without '/' names a registry host
 * and matches every repository on it. Docker Hub short forms are normalised like references:
 * `nginx` → `docker.io/library/nginx`, `bitnami/*` → `docker.io/bitnami/*`,
 * `index.docker.io/...` → `docker.io/...`. Tags and digests are not part of patterns.
 */
import { parseReference } from "../reference/index.js";
import { splitDockerDomain } from "../reference/normalize.js";

export function normalisePattern(pattern: string): string {
  const p = pattern.trim();
  if (!p.includes("/")) {
    // A bare word with a '.' or ':' or 'localhost' is a host; otherwise a Docker Hub official image.
    if (/[.:]/.test(p) || p === "localhost" || p.includes("[")) return `${p.toLowerCase()}/**`;
    if (p === "*" || p === "**") return "**";
  }
  const { domain, remainder } = splitDockerDomain(p);
  return `${domain.toLowerCase()}/${remainder}`;
}

/** Why a pattern is unusable, or undefined when it is fine. */
export function validatePattern(pattern: string): string | undefined {
  if (/[@]/.test(pattern)) return "patterns match repository names; leave out the digest";
  const n = normalisePattern(pattern);
  const segments = n.split("/");
  if (segments.some((s) => s === "")) return "empty path segment";
  for (const s of segments) {
    if (s.includes("**") && s !== "**") return "'**' must be a whole segment (as in ghcr.io/org/**)";
  }
  // The literal parts must be valid reference text.
  const literal = n.replace(/\*\*/g, "x").replace(/\*/g, "x");
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

const compiled = new Map<string, RegExp>();

function compile(pattern: string): RegExp {
  let re = compiled.get(pattern);
  if (re) return re;
  const n = normalisePattern(pattern);
  const parts = n.split("/");
  let src = "^";
  parts.forEach((seg, i) => {
    if (seg === "**") {
      // zero or more segments, including the separator
      src += i === 0 ? "(?:[^/]+(?:/[^/]+)*)?" : "(?:/[^/]+)*";
      return;
    }
    if (i > 0) src += "/";
    src += seg
      .split("*")
      .map((lit) => lit.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
      .join("[^/]*");
  });
  src += "$";
  re = new RegExp(src);
  compiled.set(pattern, re);
  return re;
}

/** Does a normalised repository name (domain/path) match the pattern? */
export function matchName(pattern: string, name: string): boolean {
  return compile(pattern).test(name);
}

export function matchAny(patterns: readonly string[] | undefined, name: string): string | undefined {
  if (!patterns) return undefined;
  return patterns.find((p) => matchName(p, name));
}
