/**
 * RPM versions, `[epoch:]version[-release]`, ordered like rpm 4.18's `rpm.ver()` / rpmverCmp:
 * - the epoch is the leading digits before a colon; a missing epoch compares as 0;
 * - the release is everything after the last hyphen; a missing release compares as the empty
 *   string, so `1.0` < `1.0-1` (as `rpm.ver()` orders them; rpm's dependency matching, which
 *   ignores a missing release, is a range question for the matcher);
 * - each part is compared with rpmvercmp: runs of digits (as integers) and runs of ASCII letters
 *   (as strings), all other characters only separate runs, a digit run beats a letter run, `~`
 *   sorts before everything including the end, `^` sorts after the end but before anything else.
 * rpm accepts any string; only strings containing NUL are refused here.
 */
import { InvalidVersionError } from "./errors.js";
import {
  asBytes,
  compareDigitStrings,
  compareStrings,
  isAsciiAlpha,
  isAsciiDigit,
  type VersionOrder,
  type VersionScheme,
} from "./scheme.js";

export interface RpmVersion {
  /** Digits, or undefined when the version has no epoch. */
  epoch: string | undefined;
  version: string;
  /** Undefined when the version has no hyphen. */
  release: string | undefined;
}

const SCHEME = "rpm";

/** Split `[epoch:]version[-release]` like rpm's parseEVR. */
export function parseRpmVersion(input: string): RpmVersion {
  if (input.includes("\0")) throw new InvalidVersionError(SCHEME, input, "contains a NUL character");
  let s = 0;
  while (s < input.length && isAsciiDigit(input.charCodeAt(s))) s++;
  const lastHyphen = input.lastIndexOf("-");
  const hyphen = lastHyphen >= s ? lastHyphen : -1;
  let epoch: string | undefined;
  let versionStart = 0;
  if (input.charCodeAt(s) === 58 /* ':' */) {
    epoch = s === 0 ? "0" : input.slice(0, s);
    versionStart = s + 1;
  }
  if (hyphen >= 0) {
    return { epoch, version: input.slice(versionStart, hyphen), release: input.slice(hyphen + 1) };
  }
  return { epoch, version: input.slice(versionStart), release: undefined };
}

const TILDE = 126;
const CARET = 94;
const isAlnum = (c: number): boolean => isAsciiDigit(c) || isAsciiAlpha(c);

/** rpmvercmp: compare one version or release string. */
export function rpmvercmp(x: string, y: string): VersionOrder {
  if (x === y) return 0;
  const a = asBytes(x);
  const b = asBytes(y);
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    while (
      i < a.length &&
      !isAlnum(a.charCodeAt(i)) &&
      a.charCodeAt(i) !== TILDE &&
      a.charCodeAt(i) !== CARET
    )
      i++;
    while (
      j < b.length &&
      !isAlnum(b.charCodeAt(j)) &&
      b.charCodeAt(j) !== TILDE &&
      b.charCodeAt(j) !== CARET
    )
      j++;
    const ca = i < a.length ? a.charCodeAt(i) : -1;
    const cb = j < b.length ? b.charCodeAt(j) : -1;

    // Tilde sorts before everything else, even the end of the string.
    if (ca === TILDE || cb === TILDE) {
      if (ca !== TILDE) return 1;
      if (cb !== TILDE) return -1;
      i++;
      j++;
      continue;
    }
    // Caret sorts after the end of the string but before everything else.
    if (ca === CARET || cb === CARET) {
      if (ca === -1) return -1;
      if (cb === -1) return 1;
      if (ca !== CARET) return 1;
      if (cb !== CARET) return -1;
      i++;
      j++;
      continue;
    }
    if (ca === -1 || cb === -1) break;

    const si = i;
    const sj = j;
    const numeric = isAsciiDigit(ca);
    const inRun = numeric ? isAsciiDigit : isAsciiAlpha;
    while (i < a.length && inRun(a.charCodeAt(i))) i++;
    while (j < b.length && inRun(b.charCodeAt(j))) j++;
    // The run in a is never empty; an empty run in b means the segment types differ.
    if (j === sj) return numeric ? 1 : -1;
    const c = numeric
      ? compareDigitStrings(a.slice(si, i), b.slice(sj, j))
      : compareStrings(a.slice(si, i), b.slice(sj, j));
    if (c !== 0) return c;
  }
  const endA = i >= a.length;
  const endB = j >= b.length;
  if (endA && endB) return 0;
  return endA ? -1 : 1;
}

export function compareParsedRpm(a: RpmVersion, b: RpmVersion): VersionOrder {
  return (
    rpmvercmp(a.epoch ?? "0", b.epoch ?? "0") ||
    rpmvercmp(a.version, b.version) ||
    rpmvercmp(a.release ?? "", b.release ?? "")
  );
}

export const rpmScheme: VersionScheme = {
  id: SCHEME,
  follows: "rpm 4.18 (rpmio/rpmvercmp.c rpmvercmp, rpmio/rpmver.c rpmverCmp)",
  validate(version) {
    return version.includes("\0") ? "contains a NUL character" : undefined;
  },
  compare(a, b) {
    return compareParsedRpm(parseRpmVersion(a), parseRpmVersion(b));
  },
};
