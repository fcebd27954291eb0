/**
 * Typed errors for version parsing and comparison. A version a scheme cannot read is reported,
 * never guessed at: the error names the scheme, the version and what was expected.
 */

export type VersionErrorCode = "INVALID_VERSION" | "UNKNOWN_SCHEME";

/** A version string that its scheme's reference implementation would reject. */
export class InvalidVersionError extends Error {
  override readonly name = "InvalidVersionError";
  readonly code: VersionErrorCode = "INVALID_VERSION";
  constructor(
    /** The scheme that was asked to read the version, e.g. `dpkg`. */
    readonly scheme: string,
    /** The version exactly as given. */
    readonly version: string,
    /** What is wrong with it, e.g. `nothing after colon in version number`. */
    readonly reason: string,
  ) {
    super(`invalid ${scheme} version ${JSON.stringify(version)}: ${reason}`);
  }
}

/** A scheme name that is not one of VERSION_SCHEMES. */
export class UnknownVersionSchemeError extends Error {
  override readonly name = "UnknownVersionSchemeError";
  readonly code: VersionErrorCode = "UNKNOWN_SCHEME";
  constructor(
    readonly scheme: string,
    known: readonly string[],
  ) {
    super(`unknown version scheme ${JSON.stringify(scheme)}; expected one of ${known.join(", ")}`);
  }
}
