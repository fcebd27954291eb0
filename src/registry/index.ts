/** The OCI registry client: references → manifests, blobs, digests; credentials and transport. */
export { type Challenge, parseChallenges, pickChallenge, repositoryScope } from "./challenge.js";
export { RegistryClient, type RegistryClientOptions } from "./client.js";
export {
  type AuthEntry,
  AuthsCredentials,
  ChainCredentials,
  type Credential,
  type CredentialSource,
  DockerConfigCredentials,
  type DockerConfigFile,
  defaultCredentialFiles,
  defaultCredentialSource,
  PullSecretCredentials,
  readPullSecretAuths,
  StaticCredentials,
} from "./credentials.js";
export { digestOf, isDigest } from "./digest.js";
export { isRegistryError, RegistryError, type RegistryErrorCode } from "./errors.js";
export {
  apiHost,
  bestCredentialKey,
  credentialKeyScore,
  isLoopbackHost,
  matchesRegistryPattern,
} from "./host-match.js";
export type { Manifest, ManifestHead, Resolved } from "./manifests.js";
export * from "./media-types.js";
export { formatPlatform, type PlatformSpec, parsePlatform, selectPlatform } from "./platform.js";
export type { TransportOptions } from "./transport.js";
