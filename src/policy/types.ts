/**
 * The ImagePolicy data model (apiVersion portcullis.dev/v1alpha1, kind ImagePolicy): what the
 * policy file says, after schema validation. The schema in schemas/image-policy.schema.json is
 * the authority on the file's shape; these types mirror it. Not for evaluation (see engine.ts).
 */

export type RuleMode = "enforce" | "audit" | "warn";

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: {
    key: string;
    operator: "In" | "NotIn" | "Exists" | "DoesNotExist";
    values?: string[];
  }[];
}

export interface KeySource {
  file?: string;
  secret?: { namespace: string; name: string; key?: string };
}

export interface SignatureKeyEntry {
  images: string[];
  key: KeySource;
}

export interface AttestationEntry {
  images: string[];
  predicateTypes: string[];
  /** Default: the spec.rules.signatures keys that match the image. */
  key?: KeySource;
}

export interface ModeOnly {
  mode?: RuleMode;
}

/** A required label or annotation: the key, and a value pattern (patterns.ts matchValue) when set. */
export interface RequiredKey {
  key: string;
  /** `*` any run without `/`, `**` any run; the whole value must match. Absent: any non-empty value. */
  value?: string;
}

export interface PolicyRules {
  allowedRegistries?: ModeOnly & { patterns: string[] };
  forbidLatest?: ModeOnly;
  requireDigest?: ModeOnly;
  signatures?: ModeOnly & { keys: SignatureKeyEntry[] };
  attestations?: ModeOnly & { require: AttestationEntry[] };
  vulnerabilities?: ModeOnly & {
    maxSeverity: "none" | "low" | "medium" | "high" | "critical";
    ignoreUnfixed?: boolean;
    /** Ids (or aliases) to leave out: a bare id, or with a reason, package pattern and expiry. */
    ignore?: (string | { id: string; reason: string; package?: string; expires?: string })[];
    /** scan (default): match the image's SBOM now; attestation: a signed vuln attestation. */
    evidence?: "scan" | "attestation";
    /** attestation evidence: how old the attested scan may be (30m, 24h, 7d, 2w; default 7d). */
    maxAge?: string;
    /** attestation evidence: the key; default the image's spec.rules.signatures keys. */
    key?: KeySource;
  };
  podSecurity?: ModeOnly & { level: "privileged" | "baseline" | "restricted"; version?: string };
  resources?: ModeOnly & { requests?: string[]; limits?: string[] };
  pullSecrets?: ModeOnly & { privateRegistries: string[] };
  /** Labels the image config must carry (read by look-up). `images`: which images (default all). */
  requiredLabels?: ModeOnly & { images?: string[]; labels: RequiredKey[] };
  /** Annotations the pod (template) metadata must carry: every pod the workload makes has them. */
  requiredAnnotations?: ModeOnly & { annotations: RequiredKey[] };
  /**
   * Images must be built on an allowed base, named by the org.opencontainers.image.base.name
   * annotation or label; `allowUnknown`: an image whose base cannot be named passes (default: a finding).
   */
  allowedBaseImages?: ModeOnly & { images?: string[]; patterns: string[]; allowUnknown?: boolean };
}

export interface PolicyException {
  workload: { kind?: string; namespace?: string; name: string };
  checks: string[];
  reason: string;
  /** YYYY-MM-DD; the exception applies up to and including this day (UTC). */
  expires: string;
}

export interface ImagePolicySpec {
  defaultMode?: RuleMode;
  namespaceSelector?: LabelSelector;
  namespaceModeLabel?: boolean;
  rules?: PolicyRules;
  mutation?: {
    pinDigests?: boolean;
    imagePullPolicy?: "Always" | "IfNotPresent" | "Never";
    platform?: string;
  };
  exemptions?: { namespaces?: string[]; images?: string[]; serviceAccounts?: string[] };
  exceptions?: PolicyException[];
}

export interface ImagePolicy {
  apiVersion: "portcullis.dev/v1alpha1";
  kind: "ImagePolicy";
  metadata?: { name?: string; annotations?: Record<string, string>; labels?: Record<string, string> };
  spec: ImagePolicySpec;
}

/** A policy as loaded: the document plus where it came from (for messages and key files). */
export interface LoadedPolicy {
  policy: ImagePolicy;
  /** Path of the file, or "<inline>". */
  source: string;
  /** Directory that relative key file paths are resolved against. */
  baseDir: string;
}
