/** One set of registry credentials, as the credential sources and helpers return it. */
export interface Credential {
  username?: string;
  password?: string;
  /** OAuth2 refresh token (`identitytoken`, or a helper's `<token>` user). */
  identityToken?: string;
  /** A bearer token to send as is (`registrytoken`). */
  registryToken?: string;
  /** Where it came from (a file path or helper name), for messages. Never the secret. */
  source?: string;
}
