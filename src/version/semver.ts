/**
 * Semantic versions (SemVer 2.0.0), ordered by precedence with the `semver` package (npm's own):
 * major.minor.patch numerically, a pre-release sorts before its release, pre-release identifiers
 * compare numerically when numeric and numeric < alphanumeric, build metadata (`+…`) is ignored.
 * Input is read strictly first (SemVer 2.0.0, with npm's tolerance of a leading `v` and
 * surrounding whitespace) and then in node-semver's loose mode (`=1.2.3`, `v 1.2.3`, `1.2.3beta`,
 * leading zeros) — what npm itself accepts; anything else throws InvalidVersionError.
 * Not for ranges (`^1.2`, `>=1 <2`): that is the matcher's job.
 */
import { SemVer } from "semver";
import { InvalidVersionError } from "./errors.js";
import type { VersionOrder, VersionScheme } from "./scheme.js";

const SCHEME = "semver";

function tryParse(version: string, loose: boolean): SemVer | undefined {
  try {
    return new SemVer(version, { loose });
  } catch {
    return undefined;
  }
}

/** Parse strictly, then loosely; throws InvalidVersionError when neither reads the version. */
export function parseSemver(version: string, scheme = SCHEME): SemVer {
  if (typeof version !== "string") throw new InvalidVersionError(scheme, String(version), "not a string");
  const v = tryParse(version, false) ?? tryParse(version, true);
  if (!v) {
    throw new InvalidVersionError(
      scheme,
      version,
      "not a semantic version; expected MAJOR.MINOR.PATCH[-PRERELEASE][+BUILD] with numbers that fit in 2^53",
    );
  }
  return v;
}

export function compareSemver(a: string, b: string): VersionOrder {
  return parseSemver(a).compare(parseSemver(b));
}

export const semverScheme: VersionScheme = {
  id: SCHEME,
  follows: "SemVer 2.0.0 precedence, via npm's semver package (strict, then loose parsing)",
  validate(version) {
    return tryParse(version, false) || tryParse(version, true) ? undefined : "not a semantic version";
  },
  compare: compareSemver,
};
