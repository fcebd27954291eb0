/**
 * Glob matching of image names, for allow-lists and exemptions.
 *
 * - `familiarMatch(pattern, ref)` mirrors distribution's FamiliarMatch: Go `path.Match` against
 *   the familiar string (`nginx:1.25`) or the familiar name (`nginx`).
 * - `matchImagePattern(pattern, ref)` is what Portcullis policies use: the pattern is matched
 *   against the NORMALISED name (`docker.io/library/nginx`), so `nginx` cannot slip past a
 *   `docker.io/...` rule. `*` matches within one path segment, `**` across segments, `?` one
 *   character, `[abc]` / `[!abc]` classes. A pattern without a registry host part is normalised
 *   the same way (`library/*` means `docker.io/library/*`). A trailing `/**` also matches the
 *   name itself's sub-repositories only; `registry.example.com` alone matches every repository
 *   on that host.
 */
import { splitDockerDomain } from "./normalize.js";
import type { Reference } from "./reference.js";

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

/** Normalise a name pattern like a reference: `nginx` → `docker.io/library/nginx`. */
export function normalizeImagePattern(pattern: string): string {
  if (/^[^/]*[.:][^/]*$/.test(pattern) || pattern === "localhost") return `${pattern}/**`; // a bare host
  const { domain, remainder } = splitDockerDomain(pattern);
  return `${domain}/${remainder}`;
}

/**
 * Match against the normalised repository name (tag and digest ignored), e.g.
 * `docker.io/library/*`, `ghcr.io/my-org/**`, `registry.example.com`, `nginx`.
 */
export function matchImagePattern(pattern: string, ref: Reference): boolean {
  return globToRegExp(normalizeImagePattern(pattern)).test(ref.name);
}
