/**
 * Image patterns of the policy (allowed registries, private registries, key scopes, exemptions).
 * The matching itself lives in src/reference/match.ts, shared with `lint k8s`, so an allow-list
 * means the same thing in the linter, in `check` and in the webhook: patterns are matched
 * against the NORMALISED repository name (`nginx` is `docker.io/library/nginx`), `*` within a
 * segment, a whole-segment `**` across segments, a bare host matches everything on it.
 */
import {
  firstMatchingPattern,
  matchImageName,
  normalizeImagePattern,
  validateImagePattern,
} from "../reference/index.js";

export const normalisePattern = normalizeImagePattern;
export const validatePattern = validateImagePattern;

/** Does a normalised repository name (domain/path) match the pattern? */
export function matchName(pattern: string, name: string): boolean {
  return matchImageName(pattern, name);
}

export function matchAny(patterns: readonly string[] | undefined, name: string): string | undefined {
  return firstMatchingPattern(patterns, name);
}
