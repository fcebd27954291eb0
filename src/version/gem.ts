/**
 * RubyGems versions, ordered like `Gem::Version#<=>` (RubyGems 3.3, Ruby 3.1):
 * - valid: digits, then dot-separated alphanumeric segments, optionally `-` and more segments
 *   (`-` reads as `.pre.`); surrounding ASCII whitespace is ignored; blank means `0`;
 * - segments are the runs of digits (integers) and letters (strings) in the version;
 * - a version with any letter is a prerelease; trailing zeros are dropped from the release part
 *   and from the prerelease part (`1.0.0` = `1`, `1.0.a.0` = `1.a`);
 * - segment by segment: a string sorts below a number, strings compare byte-wise, a missing
 *   segment counts as 0 (so `1.0.a` < `1`).
 * Not for requirement operators (`~>`): that is the matcher's job.
 */
import { InvalidVersionError } from "./errors.js";
import { compareDigitStrings, compareStrings, type VersionOrder, type VersionScheme } from "./scheme.js";

const SCHEME = "gem";

/** A segment: digits (as a string of digits without leading zeros) or letters. */
type Segment = { n: string } | { s: string };

export interface GemVersion {
  /** The version after stripping and `-` → `.pre.`, as Gem::Version#version. */
  version: string;
  /** Canonical segments: release part and prerelease part, each without trailing zeros. */
  segments: Segment[];
  prerelease: boolean;
}

const PATTERN =
  /^[ \t\n\v\f\r]*([0-9]+(?:\.[0-9a-zA-Z]+)*(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?)?[ \t\n\v\f\r]*$/;
const SEGMENT = /[0-9]+|[a-z]+/gi;

export function parseGemVersion(input: string): GemVersion {
  const m = PATTERN.exec(input);
  if (!m) {
    throw new InvalidVersionError(
      SCHEME,
      input,
      "malformed version number string; expected digits, then dot-separated letters and digits (e.g. 1.2.3, 1.0.pre.2, 2.0.0-rc1)",
    );
  }
  const version = (m[1] ?? "0").replaceAll("-", ".pre.");
  const raw: Segment[] = [];
  for (const seg of version.match(SEGMENT) ?? []) {
    const c = seg.charCodeAt(0);
    raw.push(c >= 48 && c <= 57 ? { n: seg.replace(/^0+(?=\d)/, "") } : { s: seg });
  }
  const firstString = raw.findIndex((s) => "s" in s);
  const release = firstString === -1 ? raw : raw.slice(0, firstString);
  const pre = firstString === -1 ? [] : raw.slice(firstString);
  const dropZeros = (xs: Segment[]): Segment[] => {
    let end = xs.length;
    while (end > 0) {
      const last = xs[end - 1]!;
      if ("n" in last && last.n === "0") end--;
      else break;
    }
    return xs.slice(0, end);
  };
  return { version, segments: [...dropZeros(release), ...dropZeros(pre)], prerelease: firstString !== -1 };
}

const ZERO: Segment = { n: "0" };

export function compareParsedGem(a: GemVersion, b: GemVersion): VersionOrder {
  if (a.version === b.version) return 0;
  const n = Math.max(a.segments.length, b.segments.length);
  for (let i = 0; i < n; i++) {
    const l = a.segments[i] ?? ZERO;
    const r = b.segments[i] ?? ZERO;
    if ("n" in l) {
      if ("n" in r) {
        const c = compareDigitStrings(l.n, r.n);
        if (c !== 0) return c;
      } else return 1;
    } else if ("s" in r) {
      const c = compareStrings(l.s, r.s);
      if (c !== 0) return c;
    } else return -1;
  }
  return 0;
}

export const gemScheme: VersionScheme = {
  id: SCHEME,
  follows: "RubyGems 3.3 / Ruby 3.1 (lib/rubygems/version.rb Gem::Version#<=>)",
  validate(version) {
    return PATTERN.test(version)
      ? undefined
      : "malformed version number string; expected digits, then dot-separated letters and digits";
  },
  compare(a, b) {
    return compareParsedGem(parseGemVersion(a), parseGemVersion(b));
  },
};
