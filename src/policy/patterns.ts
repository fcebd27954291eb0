/**
 * Image patterns of the policy (allowed registries, private registries, key scopes, exemptions).
 * The matching itself lives in src/reference/match.ts, shared with `lint k8s`, so an allow-list
 * means the same thing in the linter, in `check` and in the webhook: patterns are matched
 * against the NORMALISED repository name (`nginx` is `docker.io/library/nginx`), `*` within a
 * segment, a whole-segment `**` across segments, a bare host matches everything on it.
 */
import { matchImageName, normalizeImagePattern, validateImagePattern } from "../reference/index.js";

export const normalisePattern = normalizeImagePattern;
export const validatePattern = validateImagePattern;

/**
 * Answers remembered by pattern, then by name. Every review matches the same few names against
 * the same patterns (allow-list, private registries, exemptions, key scopes), and each match
 * builds strings; a remembered answer costs two look-ups. Matching is a pure function of the two
 * strings, so a remembered answer is always the right one. Bounded: a table that reaches its
 * limit is emptied (names come from pod specs, written by whoever may create pods; patterns come
 * from policies and library callers).
 */
const MAX_PATTERNS = 256;
const MAX_NAMES_PER_PATTERN = 1024;
const answers = new Map<string, Map<string, boolean>>();

function namesSeenBy(pattern: string): Map<string, boolean> {
  let names = answers.get(pattern);
  if (!names) {
    if (answers.size >= MAX_PATTERNS) answers.clear();
    answers.set(pattern, (names = new Map()));
  } else if (names.size >= MAX_NAMES_PER_PATTERN) {
    names.clear();
  }
  return names;
}

/** Does a normalised repository name (domain/path) match the pattern? */
export function matchName(pattern: string, name: string): boolean {
  const known = answers.get(pattern)?.get(name);
  if (known !== undefined) return known;
  const answer = matchImageName(pattern, name);
  namesSeenBy(pattern).set(name, answer);
  return answer;
}

/** The first pattern that matches the name, or undefined (as firstMatchingPattern, remembered). */
export function matchAny(patterns: readonly string[] | undefined, name: string): string | undefined {
  if (!patterns) return undefined;
  for (const p of patterns) if (matchName(p, name)) return p;
  return undefined;
}
