/**
 * Alpine apk versions, ordered like apk-tools' src/version.c (apk-tools 2.14 / 3):
 * `digit{.digit}...{letter}{_suffix{#}}...{~hash}{-r#}`, e.g. `1.2.3b_rc1_p2~a1b2c3-r4`.
 * - the first number and numbers after `.` compare as integers, except that when either of two
 *   numbers after a dot starts with `0` they compare as strings (Gentoo's rule: `1.01` < `1.1`);
 * - one lower-case letter may follow the numbers (`1.2a`);
 * - suffixes `_alpha` < `_beta` < `_pre` < `_rc` sort before the plain version, `_cvs` < `_svn` <
 *   `_git` < `_hg` < `_p` after it, each with an optional number;
 * - `~hash` (a commit hash, hex) compares as a string; `-rN` is the package revision;
 * - when one version goes on where the other ended, it is newer unless it goes on with a
 *   pre-release suffix.
 * Like `apk version -t`, any version that starts with a digit is compared, token by token up to
 * the first character outside the grammar (apk-tools' own test data compares `1.0bc`); an empty
 * version or one that does not start with a digit throws InvalidVersionError.
 * validateApkVersionStrict checks the full grammar (apk_version_validate).
 */
import { InvalidVersionError } from "./errors.js";
import {
  asBytes,
  compareDigitStrings,
  compareStrings,
  isAsciiDigit,
  isAsciiLower,
  type VersionOrder,
  type VersionScheme,
} from "./scheme.js";

const SCHEME = "apk";

// Token kinds, in apk-tools' order: the order decides when one version ends before the other.
const INITIAL_DIGIT = 0;
const DIGIT = 1;
const LETTER = 2;
const SUFFIX = 3;
const SUFFIX_NO = 4;
const COMMIT_HASH = 5;
const REVISION_NO = 6;
const END = 7;
const INVALID = 8;

// Suffix ranks: pre-release suffixes below NONE (the plain version), post-release above.
const SUFFIX_RANK: Record<string, number> = {
  alpha: 1,
  beta: 2,
  pre: 3,
  rc: 4,
  cvs: 6,
  svn: 7,
  git: 8,
  hg: 9,
  p: 10,
};
const SUFFIX_NONE = 5;

const isHex = (c: number): boolean => isAsciiDigit(c) || (c >= 97 && c <= 102);

/** A cursor over one version string that yields apk's tokens. */
class ApkTokens {
  token = INITIAL_DIGIT;
  /** The token's text (digits, letter, suffix name or hash). */
  value = "";
  suffix = 0;
  private pos = 0;

  constructor(private readonly s: string) {
    this.digits();
  }

  private span(pred: (c: number) => boolean): string {
    const start = this.pos;
    while (this.pos < this.s.length && pred(this.s.charCodeAt(this.pos))) this.pos++;
    return this.s.slice(start, this.pos);
  }

  private digits(): void {
    this.value = this.span(isAsciiDigit);
    if (this.value === "") this.token = INVALID;
  }

  /** Offset of the cursor (for error messages). */
  get offset(): number {
    return this.pos;
  }

  next(): void {
    const s = this.s;
    if (this.pos >= s.length) {
      this.token = END;
      return;
    }
    const c = s.charCodeAt(this.pos);
    const t = this.token;
    if (isAsciiLower(c)) {
      if (t > DIGIT) {
        this.token = INVALID;
        return;
      }
      this.value = s[this.pos]!;
      this.pos++;
      this.token = LETTER;
    } else if (c === 46 /* . */ || isAsciiDigit(c)) {
      if (c === 46) {
        if (t > DIGIT) {
          this.token = INVALID;
          return;
        }
        this.pos++;
      }
      if (t === INITIAL_DIGIT || t === DIGIT) this.token = DIGIT;
      else if (t === SUFFIX) this.token = SUFFIX_NO;
      else {
        this.token = INVALID;
        return;
      }
      this.digits();
    } else if (c === 95 /* _ */) {
      if (t > SUFFIX_NO) {
        this.token = INVALID;
        return;
      }
      this.pos++;
      this.value = this.span(isAsciiLower);
      const rank = Object.hasOwn(SUFFIX_RANK, this.value) ? SUFFIX_RANK[this.value]! : 0;
      if (rank === 0) {
        this.token = INVALID;
        return;
      }
      this.suffix = rank;
      this.token = SUFFIX;
    } else if (c === 126 /* ~ */) {
      if (t >= COMMIT_HASH) {
        this.token = INVALID;
        return;
      }
      this.pos++;
      this.value = this.span(isHex);
      if (this.value === "") {
        this.token = INVALID;
        return;
      }
      this.token = COMMIT_HASH;
    } else if (c === 45 /* - */) {
      if (t >= REVISION_NO || s.charCodeAt(this.pos + 1) !== 114 /* r */) {
        this.token = INVALID;
        return;
      }
      this.pos += 2;
      this.token = REVISION_NO;
      this.digits();
    } else {
      this.token = INVALID;
    }
  }
}

function compareTokens(a: ApkTokens, b: ApkTokens): VersionOrder {
  switch (a.token) {
    case DIGIT:
      // A leading zero on either side: compare as strings, as Gentoo does.
      if (a.value.charCodeAt(0) === 48 || b.value.charCodeAt(0) === 48)
        return compareStrings(a.value, b.value);
      return compareDigitStrings(a.value, b.value);
    case INITIAL_DIGIT:
    case SUFFIX_NO:
    case REVISION_NO:
      return compareDigitStrings(a.value, b.value);
    case LETTER:
      return compareStrings(a.value, b.value);
    case SUFFIX:
      return a.suffix < b.suffix ? -1 : a.suffix > b.suffix ? 1 : 0;
    default:
      return compareStrings(a.value, b.value);
  }
}

/** apk_version_compare. Versions outside the grammar compare up to their first bad token. */
export function apkVersionCompare(x: string, y: string): VersionOrder {
  const a = new ApkTokens(asBytes(x));
  const b = new ApkTokens(asBytes(y));
  while (a.token === b.token && a.token < END) {
    const r = compareTokens(a, b);
    if (r !== 0) return r;
    a.next();
    b.next();
  }
  if (a.token === b.token) return 0;
  // Equal so far and one goes on: it is newer, unless it goes on with a pre-release suffix.
  if (a.token === SUFFIX && a.suffix < SUFFIX_NONE) return -1;
  if (b.token === SUFFIX && b.suffix < SUFFIX_NONE) return 1;
  return a.token > b.token ? -1 : a.token < b.token ? 1 : 0;
}

/**
 * Why the version does not follow apk's grammar, or undefined when it does (apk_version_validate,
 * what `apk version -c` checks).
 */
export function validateApkVersionStrict(version: string): string | undefined {
  if (version === "") return "version is empty";
  const t = new ApkTokens(asBytes(version));
  while (t.token < END) t.next();
  if (t.token === END) return undefined;
  return `unexpected character near offset ${t.offset}; expected digit{.digit}...{letter}{_suffix{#}}...{~hash}{-r#} with suffixes alpha, beta, pre, rc, cvs, svn, git, hg, p`;
}

/**
 * Why apk cannot compare the version, or undefined when it can: like `apk version -t`, a version
 * only needs to start with a digit. Use validateApkVersionStrict for the full grammar.
 */
export function validateApkVersion(version: string): string | undefined {
  if (version === "") return "version is empty";
  if (!isAsciiDigit(version.charCodeAt(0))) return "version must start with a digit";
  return undefined;
}

export const apkScheme: VersionScheme = {
  id: SCHEME,
  follows: "apk-tools 2.14 / 3 (src/version.c apk_version_compare)",
  validate: validateApkVersion,
  compare(a, b) {
    for (const v of [a, b]) {
      const reason = validateApkVersion(v);
      if (reason) throw new InvalidVersionError(SCHEME, v, reason);
    }
    return apkVersionCompare(a, b);
  },
};
