/**
 * Typed errors for image references. Each carries a stable code and the 0-based position of the
 * first offending character in the input, so callers can point at it.
 */

export type ReferenceErrorCode =
  | "NAME_EMPTY"
  | "INVALID_FORMAT"
  | "NAME_UPPERCASE"
  | "NAME_TOO_LONG"
  | "INVALID_TAG"
  | "INVALID_DIGEST"
  | "DIGEST_UNSUPPORTED"
  | "DIGEST_INVALID_LENGTH"
  | "HEX_IDENTIFIER";

export class InvalidReferenceError extends Error {
  override readonly name = "InvalidReferenceError";
  constructor(
    readonly code: ReferenceErrorCode,
    message: string,
    readonly input: string,
    readonly position: number,
  ) {
    super(message);
  }

  /** The input with a caret under the offending character, for terminals. */
  pointer(): string {
    return `${this.input}\n${" ".repeat(Math.max(0, this.position))}^`;
  }
}
