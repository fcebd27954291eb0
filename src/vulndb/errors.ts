/**
 * Typed errors of the vulnerability database. Each carries a `code` (for scripts and tests) and
 * the exit code the CLI maps it to: 2 for bad input (a file that is not a feed), 3 for an
 * operational failure (database missing, locked, read-only, from a newer schema, PostgreSQL
 * unreachable, a download that failed). Messages name the file or URL and what was expected.
 */

export type VulnDbErrorCode =
  | "DB_MISSING"
  | "DB_NEWER_SCHEMA"
  | "DB_LOCKED"
  | "DB_READ_ONLY"
  | "DB_UNREACHABLE"
  | "DB_CORRUPT"
  | "BAD_FEED"
  | "BAD_OUTPUT"
  | "DOWNLOAD_FAILED";

export class VulnDbError extends Error {
  override readonly name: string = "VulnDbError";
  constructor(
    readonly code: VulnDbErrorCode,
    message: string,
    readonly exitCode: 2 | 3 = 3,
  ) {
    super(message);
  }
}

/** No database at the location: says how to get one. Exit 3. */
export class DbMissingError extends VulnDbError {
  override readonly name = "DbMissingError";
  constructor(readonly location: string) {
    super(
      "DB_MISSING",
      `no vulnerability database at ${location}; run 'portcullis db update' to download one, or ` +
        "'portcullis db import FILE' to load a feed or an exported database (--db or PORTCULLIS_DB choose another location)",
    );
  }
}

/** A feed or file that cannot be read as what it claims (or seems) to be. Exit 2. */
export class FeedFormatError extends VulnDbError {
  override readonly name = "FeedFormatError";
  constructor(
    readonly file: string,
    what: string,
  ) {
    super("BAD_FEED", `${file}: ${what}`, 2);
  }
}

/** An output file (`db export FILE`) that cannot be written where it was named. Exit 2. */
export class OutputFileError extends VulnDbError {
  override readonly name = "OutputFileError";
  constructor(
    readonly file: string,
    what: string,
  ) {
    super("BAD_OUTPUT", `${file}: ${what}`, 2);
  }
}

export function isVulnDbError(err: unknown): err is VulnDbError {
  return err instanceof VulnDbError;
}
