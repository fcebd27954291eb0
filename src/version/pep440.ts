/**
 * Python package versions (PEP 440), ordered like `packaging.version.Version`:
 * epoch `N!`, release `1.2.3` (trailing zeros ignored), pre-release `a`/`b`/`rc` (spelled also
 * alpha, beta, c, pre, preview), post-release `.postN` / `-N` / `rev` / `r`, dev release `.devN`,
 * local version `+ubuntu.1`; case-insensitive, `v` prefix and surrounding whitespace allowed.
 * Ordering: dev < pre < release < post; `1.0.dev0` < `1.0a1`; a local version sorts after the
 * same public version; local segments compare numerically when numeric, and a number beats a string.
 * Parsing and comparison come from @renovatebot/pep440; when a number is too large for a JS
 * double (more than 15 digits) its comparison loses precision, so such versions are compared by
 * this module's own implementation of packaging's sort key, with exact integers.
 * Not for specifiers (`>=1.0,<2`): that is the matcher's job.
 */
import * as pep440 from "@renovatebot/pep440";
import { VERSION_PATTERN } from "@renovatebot/pep440/lib/version.js";
import { InvalidVersionError } from "./errors.js";
import {
  compareDigitStrings,
  compareStrings,
  sign,
  type VersionOrder,
  type VersionScheme,
} from "./scheme.js";

const SCHEME = "pep440";

// Python's str.strip() / regex \s whitespace (str.isspace), which packaging allows around a version.
const PY_SPACE =
  "\\t\\n\\v\\f\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";
const SURROUNDING_SPACE = new RegExp(`^[${PY_SPACE}]+|[${PY_SPACE}]+$`, "g");
const FULL = new RegExp(`^${VERSION_PATTERN}$`, "i");
const LONG_NUMBER = /\d{16}/;

/** The version with the whitespace packaging ignores removed. */
function strip(version: string): string {
  return version.replace(SURROUNDING_SPACE, "");
}

export function validatePep440Version(version: string): string | undefined {
  return pep440.valid(strip(version)) === null
    ? "not a PEP 440 version; expected [N!]N(.N)*[{a|b|rc}N][.postN][.devN][+local]"
    : undefined;
}

function check(version: string): string {
  const s = strip(version);
  if (pep440.valid(s) === null) {
    throw new InvalidVersionError(SCHEME, version, validatePep440Version(version)!);
  }
  return s;
}

export function comparePep440(a: string, b: string): VersionOrder {
  const x = check(a);
  const y = check(b);
  if (LONG_NUMBER.test(x) || LONG_NUMBER.test(y)) return compareExactPep440(x, y);
  return sign(pep440.compare(x, y));
}

// ---- Exact comparison (packaging's _cmpkey with unbounded integers) ----

/** [label, number] of a pre/post/dev part; label "" for an absent part. */
type Tagged = readonly [string, string];
/** -1: sorts before any value, 1: after any value, or an actual value. */
type Bounded<T> = -1 | 1 | T;

interface Pep440Key {
  epoch: string;
  release: string[];
  pre: Bounded<Tagged>;
  post: Bounded<Tagged>;
  dev: Bounded<Tagged>;
  local: Bounded<(string | { n: string })[]>;
}

const PRE_LABEL: Record<string, string> = {
  a: "a",
  alpha: "a",
  b: "b",
  beta: "b",
  c: "rc",
  rc: "rc",
  pre: "rc",
  preview: "rc",
};

/** packaging's comparison key of a valid, stripped version. */
export function pep440Key(version: string): Pep440Key {
  const g = FULL.exec(version)?.groups;
  if (!g) throw new InvalidVersionError(SCHEME, version, "not a PEP 440 version");
  const release = g.release!.split(".").map((d) => d.replace(/^0+(?=\d)/, ""));
  while (release.length > 0 && release[release.length - 1] === "0") release.pop();
  const preL = g.pre_l?.toLowerCase();
  const pre: Tagged | undefined = preL ? [PRE_LABEL[preL]!, g.pre_n ?? "0"] : undefined;
  const postN = g.post_n1 ?? (g.post_l ? (g.post_n2 ?? "0") : undefined);
  const post: Tagged | undefined = postN !== undefined ? ["post", postN] : undefined;
  const dev: Tagged | undefined = g.dev_l ? ["dev", g.dev_n ?? "0"] : undefined;
  const local = g.local
    ?.toLowerCase()
    .split(/[-_.]/)
    .map((p) => (/^\d+$/.test(p) ? { n: p } : p));
  return {
    epoch: g.epoch ?? "0",
    release,
    pre: pre ?? (post === undefined && dev !== undefined ? -1 : 1),
    post: post ?? -1,
    dev: dev ?? 1,
    local: local ?? -1,
  };
}

function compareBounded<T>(a: Bounded<T>, b: Bounded<T>, cmp: (x: T, y: T) => VersionOrder): VersionOrder {
  if (a === -1 || a === 1 || b === -1 || b === 1) {
    const ra = a === -1 ? -1 : a === 1 ? 1 : 0;
    const rb = b === -1 ? -1 : b === 1 ? 1 : 0;
    return sign(ra - rb);
  }
  return cmp(a, b);
}

const compareTagged = (a: Tagged, b: Tagged): VersionOrder =>
  compareStrings(a[0], b[0]) || compareDigitStrings(a[1], b[1]);

function compareLocal(a: (string | { n: string })[], b: (string | { n: string })[]): VersionOrder {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i]!;
    const y = b[i]!;
    let c: VersionOrder;
    if (typeof x === "string") c = typeof y === "string" ? compareStrings(x, y) : -1;
    else c = typeof y === "string" ? 1 : compareDigitStrings(x.n, y.n);
    if (c !== 0) return c;
  }
  return sign(a.length - b.length);
}

function compareRelease(a: string[], b: string[]): VersionOrder {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const c = compareDigitStrings(a[i]!, b[i]!);
    if (c !== 0) return c;
  }
  return sign(a.length - b.length);
}

/** PEP 440 ordering with exact integers, for valid versions already stripped of whitespace. */
export function compareExactPep440(a: string, b: string): VersionOrder {
  const x = pep440Key(a);
  const y = pep440Key(b);
  return (
    compareDigitStrings(x.epoch, y.epoch) ||
    compareRelease(x.release, y.release) ||
    compareBounded(x.pre, y.pre, compareTagged) ||
    compareBounded(x.post, y.post, compareTagged) ||
    compareBounded(x.dev, y.dev, compareTagged) ||
    compareBounded(x.local, y.local, compareLocal)
  );
}

export const pep440Scheme: VersionScheme = {
  id: SCHEME,
  follows: "PyPA packaging 26 (packaging.version.Version), via @renovatebot/pep440",
  validate: validatePep440Version,
  compare: comparePep440,
};
