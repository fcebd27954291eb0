/**
 * Errors the CLI turns into exit codes: UsageError (2, bad flags or unreadable input) and
 * OperationalError (3, registry unreachable, auth refused, database missing). Anything else
 * is a bug and is reported as an internal error. `toCliError` is the one mapping from library
 * errors to these.
 */
import { InvalidReferenceError } from "../reference/errors.js";
import { isRegistryError } from "../registry/errors.js";
import { KeyFormatError, SignatureFormatError } from "../sign/errors.js";
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: 2 | 3,
  ) {
    super(message);
  }
}

export class UsageError extends CliError {
  override readonly name = "UsageError";
  constructor(message: string) {
    super(message, 2);
  }
}

export class OperationalError extends CliError {
  override readonly name = "OperationalError";
  constructor(message: string) {
    super(message, 3);
  }
}

/**
 * Library errors as CLI errors: bad keys, signature formats and image references are bad input
 * (2); registry failures are operational (3). Anything else is returned unchanged.
 */
export function toCliError(err: unknown): unknown {
  if (
    err instanceof KeyFormatError ||
    err instanceof SignatureFormatError ||
    err instanceof InvalidReferenceError
  )
    return new UsageError(err.message);
  if (isRegistryError(err)) return new OperationalError(err.message);
  return err;
}
