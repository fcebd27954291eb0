/**
 * The Portcullis library. The CLI is a thin layer over these exports.
 */

export { CATALOGERS, type CatalogResult, catalogImage } from "./catalog/index.js";
export type { Package, PackageLocation, PackageType } from "./catalog/types.js";
export { runCheck } from "./check/index.js";
export {
  type Dockerfile,
  DockerfileSyntaxError,
  type Instruction as DockerfileInstruction,
  parseDockerfile,
  type Stage as DockerfileStage,
} from "./dockerfile/index.js";
export { type Image, type ImageConfig, readImage, walkImage } from "./image/index.js";
export {
  type K8sObject,
  loadManifests,
  type ManifestSet,
  parseManifests,
  parseQuantity,
  type Workload,
} from "./k8s/index.js";
export {
  DOCKERFILE_RULES,
  type DockerfileRule,
  lintDockerfiles,
  lintDockerfileText,
} from "./lint/dockerfile/index.js";
export {
  K8S_RULES,
  type K8sRule,
  type LintK8sOptions,
  type LintK8sResult,
  lintManifests,
  podSecurityHook,
} from "./lint/k8s/index.js";
export {
  evaluateImage,
  evaluatePolicy,
  explainPolicy,
  ImageInspector,
  type ImagePolicy,
  loadPolicyFile,
  type PolicyDecision,
  PolicyError,
  type PolicyEvaluation,
  parsePolicy,
} from "./policy/index.js";
export * from "./pss/index.js";
export * from "./reference/index.js";
export {
  ChainCredentials,
  type Credential,
  type CredentialSource,
  DockerConfigCredentials,
  defaultCredentialSource,
  PullSecretCredentials,
  RegistryClient,
  type RegistryClientOptions,
  RegistryError,
  type RegistryErrorCode,
  StaticCredentials,
} from "./registry/index.js";
export * from "./report/index.js";
export { generateSbom, readSbomFile, type SbomFormat } from "./sbom/index.js";
export { openScanDatabase, VulnDbMissingError, vulnDbLocation } from "./scan/database.js";
export {
  evaluateAffected,
  type MatchInput,
  type MatchOptions,
  matchPackages,
  type SelectOptions,
  type SelectResult,
  selectMatches,
} from "./scan/match/index.js";
export { renderScan, SCAN_FORMATS, type ScanFormat, scanJson } from "./scan/report/index.js";
export type { ScanFinding, ScanNote, ScanResult } from "./scan/result.js";
export { type ScanOptions, scanCatalog } from "./scan/scan.js";
export type { MatchNote, MatchResult, VulnMatch, VulnSeverity } from "./scan/types.js";
export * from "./sign/index.js";
export * from "./version/index.js";
export { VERSION } from "./version.js";
export {
  type DbStatus,
  exportDb,
  type ImportSummary,
  importFeeds,
  normalizePackageName,
  type OsvRecord,
  openVulnStore,
  type StoredRecord,
  type UpdateOptions,
  updateDb,
  type VulnDb,
  VulnDbError,
  type VulnStore,
} from "./vulndb/index.js";
export { installManifests, startWebhook, type WebhookOptions, type WebhookServer } from "./webhook/index.js";
