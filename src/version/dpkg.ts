/**
 * Debian package versions, `[epoch:]upstream_version[-debian_revision]`, ordered like
 * `dpkg --compare-versions` (dpkg's parseversion and verrevcmp):
 * - the epoch is a non-negative integer, 0 when absent;
 * - the revision is everything after the last hyphen, "" when absent (and "" sorts like "0");
 * - upstream and revision are compared as alternating non-digit and digit runs; in non-digit runs
 *   `~` sorts before everything (even the end of the string), then the end, then letters, then
 *   all other characters; digit runs compare as integers.
 * Hard syntax errors (empty, embedded spaces, bad epoch, empty revision) throw; the things dpkg
 * only warns about (upstream not starting with a digit, unusual characters) are accepted.
 * Not for Ubuntu/Debian security-tracker range semantics: that is the matcher's job.
 */
import { InvalidVersionError } from "./errors.js";
import {
  asBytes,
  compareDigitStrings,
  isAsciiAlpha,
  isAsciiDigit,
  sign,
  type VersionOrder,
  type VersionScheme,
} from "./scheme.js";

export interface DpkgVersion {
  /** The epoch as a string of digits ("0" when absent). */
  epoch: string;
  upstream: string;
  /** "" when the version has no hyphen. */
  revision: string;
}

const SCHEME = "dpkg";
const isBlank = (c: number): boolean => c === 32 || c === 9;

/** Parse like dpkg's parseversion; throws InvalidVersionError on the errors dpkg refuses. */
export function parseDpkgVersion(input: string): DpkgVersion {
  const fail = (reason: string): never => {
    throw new InvalidVersionError(SCHEME, input, reason);
  };
  let start = 0;
  let end = input.length;
  while (start < end && isBlank(input.charCodeAt(start))) start++;
  while (end > start && isBlank(input.charCodeAt(end - 1))) end--;
  if (start === end) fail("version string is empty");
  const s = input.slice(start, end);
  for (let i = 0; i < s.length; i++) if (isBlank(s.charCodeAt(i))) fail("version string has embedded spaces");

  let epoch = "0";
  let rest = s;
  const colon = s.indexOf(":");
  if (colon >= 0) {
    const e = s.slice(0, colon);
    // strtol: optional sign, then digits, all the way to the colon.
    const m = /^([+-]?)(\d*)$/.exec(e);
    if (e === "" || (m && m[2] === "")) fail("epoch in version is empty");
    if (!m) fail("epoch in version is not number");
    const digits = m![2]!;
    if (m![1] === "-" && /[1-9]/.test(digits)) fail("epoch in version is negative");
    if (compareDigitStrings(digits, "2147483647") > 0) fail("epoch in version is too big");
    rest = s.slice(colon + 1);
    if (rest === "") fail("nothing after colon in version number");
    epoch = digits.replace(/^0+(?=\d)/, "");
  }
  let upstream = rest;
  let revision = "";
  const hyphen = rest.lastIndexOf("-");
  if (hyphen >= 0) {
    upstream = rest.slice(0, hyphen);
    revision = rest.slice(hyphen + 1);
    if (revision === "") fail("revision number is empty");
  }
  if (upstream === "") fail("version number is empty");
  return { epoch, upstream, revision };
}

/** dpkg's character weight inside a non-digit run (0 stands for "end of string" and digits). */
function order(s: string, i: number): number {
  if (i >= s.length) return 0;
  const c = s.charCodeAt(i);
  if (isAsciiDigit(c)) return 0;
  if (isAsciiAlpha(c)) return c;
  if (c === 126) return -1; // '~'
  return c + 256;
}

/** dpkg's verrevcmp on one upstream version or revision. */
export function compareDpkgPart(x: string, y: string): VersionOrder {
  const a = asBytes(x);
  const b = asBytes(y);
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    while (
      (i < a.length && !isAsciiDigit(a.charCodeAt(i))) ||
      (j < b.length && !isAsciiDigit(b.charCodeAt(j)))
    ) {
      const ac = order(a, i);
      const bc = order(b, j);
      if (ac !== bc) return sign(ac - bc);
      i++;
      j++;
    }
    const di = i;
    const dj = j;
    while (i < a.length && isAsciiDigit(a.charCodeAt(i))) i++;
    while (j < b.length && isAsciiDigit(b.charCodeAt(j))) j++;
    const c = compareDigitStrings(a.slice(di, i) || "0", b.slice(dj, j) || "0");
    if (c !== 0) return c;
  }
  return 0;
}

export function compareParsedDpkg(a: DpkgVersion, b: DpkgVersion): VersionOrder {
  return (
    compareDigitStrings(a.epoch, b.epoch) ||
    compareDpkgPart(a.upstream, b.upstream) ||
    compareDpkgPart(a.revision, b.revision)
  );
}

export const dpkgScheme: VersionScheme = {
  id: SCHEME,
  follows: "dpkg 1.21 (lib/dpkg/parsehelp.c parseversion, lib/dpkg/version.c verrevcmp)",
  validate(version) {
    try {
      parseDpkgVersion(version);
      return undefined;
    } catch (e) {
      if (e instanceof InvalidVersionError) return e.reason;
      throw e;
    }
  },
  compare(a, b) {
    return compareParsedDpkg(parseDpkgVersion(a), parseDpkgVersion(b));
  },
};
