/**
 * The shape every version scheme module fills in, and small helpers the schemes share. A scheme
 * knows how to read and order its own versions; it knows nothing of packages or advisories.
 */

/** -1 when a sorts before b, 0 when they are equal, 1 when a sorts after b. */
export type VersionOrder = -1 | 0 | 1;

export interface VersionScheme {
  /** The scheme name accepted by compareVersions, e.g. `dpkg`. */
  readonly id: string;
  /** One line: which reference implementation this scheme follows. */
  readonly follows: string;
  /** Why `version` is not valid in this scheme, or undefined when it is. */
  validate(version: string): string | undefined;
  /** Order two versions; throws InvalidVersionError when either cannot be read. */
  compare(a: string, b: string): VersionOrder;
}

export function sign(n: number): VersionOrder {
  return n < 0 ? -1 : n > 0 ? 1 : 0;
}

/** Compare two strings of ASCII digits as unbounded non-negative integers. */
export function compareDigitStrings(a: string, b: string): VersionOrder {
  let i = 0;
  let j = 0;
  while (i < a.length - 1 && a.charCodeAt(i) === 48) i++;
  while (j < b.length - 1 && b.charCodeAt(j) === 48) j++;
  const la = a.length - i;
  const lb = b.length - j;
  if (la !== lb) return la < lb ? -1 : 1;
  for (; i < a.length; i++, j++) {
    const d = a.charCodeAt(i) - b.charCodeAt(j);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return 0;
}

/** Plain code-unit string comparison (like C strcmp on ASCII, Java String.compareTo). */
export function compareStrings(a: string, b: string): VersionOrder {
  return a < b ? -1 : a > b ? 1 : 0;
}

const NON_ASCII = /[^\x00-\x7f]/;

/**
 * The C implementations (dpkg, rpm, apk) walk bytes. For non-ASCII input, return a string whose
 * code units are the UTF-8 bytes, so character classes and orderings match theirs exactly.
 */
export function asBytes(s: string): string {
  return NON_ASCII.test(s) ? Buffer.from(s, "utf8").toString("latin1") : s;
}

export const isAsciiDigit = (c: number): boolean => c >= 48 && c <= 57;
export const isAsciiAlpha = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
export const isAsciiLower = (c: number): boolean => c >= 97 && c <= 122;
