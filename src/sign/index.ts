/**
 * Cosign-compatible signing and verification: key formats, payload formats (simple signing,
 * DSSE, in-toto, sigstore bundles), registry layouts and verification policy, each in its own
 * module; these are the library exports.
 */
export {
  CERTIFICATE_ANNOTATION,
  type CertificateTrust,
  CHAIN_ANNOTATION,
  readCertificates,
} from "./certificate-trust.js";
export { type DsseEnvelope, pae, signEnvelope, verifyEnvelope } from "./dsse.js";
export { KeyFormatError, SignatureFormatError } from "./errors.js";
export {
  type AttestOptions,
  type AttestResult,
  attestImage,
  cosignDockerReference,
  resolveImages,
  type SignOptions,
  type SignResult,
  signImage,
} from "./image-signing.js";
export {
  type AttestationVerification,
  type ImageVerification,
  type VerifyOptions,
  verifyImage,
  verifyImageAttestations,
} from "./image-verification.js";
export { buildStatement, IN_TOTO_PAYLOAD_TYPE, type InTotoStatement, predicateTypeFor } from "./in-toto.js";
export {
  decryptPrivateKey,
  encryptPrivateKey,
  generateSigningKey,
  keyFingerprint,
  publicKeyPem,
  readPrivateKey,
  readPublicKey,
} from "./key-format.js";
export { readKeysFromSecretFile } from "./key-secret.js";
export { digestTag } from "./registry-layout.js";
export { verifyRekorSet } from "./rekor-set.js";
export { buildKeyBundle, verifyBundle } from "./sigstore-bundle.js";
export {
  buildSimpleSigningPayload,
  parseSimpleSigningPayload,
  type SimpleSigningClaims,
} from "./simple-signing.js";
export {
  type IdentityRequirement,
  type SignatureLayer,
  type SignatureVerdict,
  type TrustedKey,
  type TrustPolicy,
  verifySignatureLayer,
} from "./verify-policy.js";
