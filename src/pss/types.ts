/**
 * The data model of the Pod Security Standards evaluator: levels, policy versions, the shape of
 * a check (one file per check under ./checks) and of its result. Not for parsing manifests:
 * callers hand in plain JSON-like objects (as produced by a YAML or JSON parser).
 */

/** A path into the evaluated object, from its root: keys and array indexes. */
export type FieldPath = (string | number)[];

/** The Pod Security Standards levels. `privileged` allows everything. */
export type PodSecurityLevel = "privileged" | "baseline" | "restricted";

/** A policy version as Pod Security Admission spells it: `latest` or `v1.N`. */
export type PodSecurityVersion = "latest" | `v1.${number}`;

export interface PodSecurityOptions {
  level: PodSecurityLevel;
  /** Defaults to `latest`. A version newer than the newest known one evaluates as `latest`. */
  version?: PodSecurityVersion | string;
}

export interface PodSecurityViolation {
  /** The Pod Security Admission check id, e.g. `runAsNonRoot`. */
  check: string;
  /** PSA-style text: `reason (detail)`. */
  message: string;
  /**
   * Paths, relative to the object root, of the offending fields. For a required field that is
   * missing, the path of its closest existing parent.
   */
  fields?: FieldPath[];
}

export interface PodSecurityResult {
  allowed: boolean;
  violations: PodSecurityViolation[];
}

/** A JSON object as parsed from a manifest. */
export type JsonObject = Record<string, unknown>;

/** The pod a check looks at: the pod template's metadata and spec, and where they sit in the object. */
export interface PodUnderTest {
  /** The whole object handed to the evaluator (used to find the closest existing field). */
  readonly root: unknown;
  readonly metadata: JsonObject;
  readonly metadataPath: FieldPath;
  readonly spec: JsonObject;
  readonly specPath: FieldPath;
  /** Its containers, in PSA's order: initContainers, containers, ephemeralContainers. */
  readonly containers: readonly ContainerVisit[];
}

/** One container of the pod under test. */
export interface ContainerVisit {
  readonly container: JsonObject;
  readonly name: string;
  /** Path of the container from the object root. */
  readonly path: FieldPath;
}

/** The outcome of one check on one pod. */
export interface CheckResult {
  allowed: boolean;
  /** Short reason, as PSA's ForbiddenReason (e.g. `privileged`). */
  reason?: string;
  /** Detail, as PSA's ForbiddenDetail (e.g. `container "app" must not set …`). */
  detail?: string;
  /** Offending fields, relative to the object root. */
  fields?: FieldPath[];
}

/** One implementation of a check, in force from `minVersion` until the next one. */
export interface VersionedCheck {
  /** `v1.N`: the first policy version this implementation applies to. */
  minVersion: `v1.${number}`;
  /** Restricted checks only: the baseline check ids this one replaces at the restricted level. */
  overrides?: readonly string[];
  evaluate(pod: PodUnderTest): CheckResult;
}

/** A Pod Security Admission check: one file under ./checks exports one of these. */
export interface PodSecurityCheck {
  /** PSA's check id. */
  id: string;
  level: "baseline" | "restricted";
  /** One line: what the check enforces. */
  title: string;
  /** Restricted fields and allowed values, in prose. */
  docs: string;
  /** Implementations ordered by strictly increasing minVersion. */
  versions: readonly VersionedCheck[];
}
