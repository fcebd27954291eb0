/**
 * Errors the CLI turns into exit codes: UsageError (2, bad flags or unreadable input) and
 * OperationalError (3, registry unreachable, auth refused, database missing). Anything else
 * is a bug and is reported as an internal error.
 */
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
