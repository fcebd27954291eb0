/**
 * Types every layer shares — where something is in an input file, which Kubernetes object a
 * finding is about, and a problem with the input — defined below src/k8s, src/dockerfile and
 * src/report so that the model layers never import the reporting layer (no arrow points
 * upward). src/report/finding.ts re-exports them for its findings.
 */

/** A position in an input file (1-based). */
export interface SourceLocation {
  file: string;
  /** 1-based line. */
  line: number;
  /** 1-based column. */
  column: number;
  endLine?: number;
  endColumn?: number;
}

/** The Kubernetes object a finding or evaluation is about. */
export interface ObjectRef {
  apiVersion?: string;
  kind: string;
  namespace?: string;
  name?: string;
}

/** A problem with the input itself (unreadable file, bad YAML), with where it is when known. */
export interface InputError {
  file: string;
  line?: number;
  column?: number;
  message: string;
}
