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

/**
 * Value patterns of label and annotation rules (`value:`): the whole value must match; `**`
 * matches any run of characters, `*` any run without `/` (as in image patterns: one path
 * segment of a URL), every other character itself. `https://github.com/my-org/*` matches
 * `https://github.com/my-org/app`, not `https://github.com/my-org/app/tree/x` nor
 * `https://github.com/my-org-evil/app`; `**` is the pattern that matches any value. Matched
 * by a state set, in time linear in the value for any pattern (values come from images, which
 * whoever builds them writes: no backtracking regular expression).
 */
const ANY = 0;
const SEGMENT = 1;
type Token = string | typeof ANY | typeof SEGMENT;

function tokens(pattern: string): Token[] {
  const chars = [...pattern]; // code points, as the value is read
  const out: Token[] = [];
  for (let i = 0; i < chars.length; i++) {
    if (chars[i] !== "*") out.push(chars[i]);
    else if (chars[i + 1] === "*") {
      out.push(ANY);
      i++;
    } else out.push(SEGMENT);
  }
  return out;
}

/** Add the states reachable without reading a character (a star may match nothing). */
function closure(ts: Token[], states: Uint8Array): Uint8Array {
  for (let s = 0; s < ts.length; s++) if (states[s] && typeof ts[s] !== "string") states[s + 1] = 1;
  return states;
}

/** Does a label or annotation value match a value pattern (absent pattern: any value)? */
export function matchValue(pattern: string | undefined, value: string): boolean {
  if (pattern === undefined) return true;
  const ts = tokens(pattern);
  let cur = closure(
    ts,
    Uint8Array.from({ length: ts.length + 1 }, (_, i) => (i === 0 ? 1 : 0)),
  );
  for (const ch of value) {
    const next = new Uint8Array(ts.length + 1);
    let any = false;
    for (let s = 0; s < ts.length; s++) {
      if (!cur[s]) continue;
      const t = ts[s];
      if (t === ANY || (t === SEGMENT && ch !== "/")) next[s] = 1;
      else if (t === ch) next[s + 1] = 1;
      else continue;
      any = true;
    }
    if (!any) return false;
    cur = closure(ts, next);
  }
  return cur[ts.length] === 1;
}
