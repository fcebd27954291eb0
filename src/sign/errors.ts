/**
 * Typed errors of the signing area. `KeyFormatError` is a key file that cannot be read (bad PEM,
 * wrong password, unsupported algorithm); `SignatureFormatError` is a signature artifact that is not
 * what it claims to be. Verification *failures* are not errors: they are reasons in the typed
 * results of ./verify-policy.ts, so that one bad signature never hides a good one.
 */

export type KeyErrorCode =
  | "KEY_NOT_PEM"
  | "KEY_UNSUPPORTED"
  | "KEY_BAD_ENCRYPTION"
  | "KEY_WRONG_PASSWORD"
  | "KEY_NO_PASSWORD"
  | "KEY_NOT_FOUND";

export class KeyFormatError extends Error {
  override readonly name = "KeyFormatError";
  constructor(
    readonly code: KeyErrorCode,
    /** The file (or other source) the key came from. */
    readonly source: string,
    message: string,
  ) {
    super(`${source}: ${message}`);
  }
}

export type SignatureFormatErrorCode =
  | "PAYLOAD_NOT_JSON"
  | "PAYLOAD_BAD_SHAPE"
  | "ENVELOPE_BAD_SHAPE"
  | "BUNDLE_BAD_SHAPE"
  | "PREDICATE_BAD"
  | "NO_SIGNATURES";

export class SignatureFormatError extends Error {
  override readonly name = "SignatureFormatError";
  constructor(
    readonly code: SignatureFormatErrorCode,
    message: string,
  ) {
    super(message);
  }
}
