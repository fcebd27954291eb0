/**
 * in-toto Statement v1 for attestations: the predicate types `attest --type` accepts (short
 * names as cosign spells them, or any URI), building a statement about one image digest, and
 * parsing one back. Signing the statement is DSSE's job (./dsse.ts).
 */
import { SignatureFormatError } from "./errors.js";
import { ambiguity } from "./strict-json.js";

export const IN_TOTO_PAYLOAD_TYPE = "application/vnd.in-toto+json";
export const STATEMENT_V1 = "https://in-toto.io/Statement/v1";
const STATEMENT_TYPES = [STATEMENT_V1, "https://in-toto.io/Statement/v0.1"];

/** cosign's short predicate names. */
export const PREDICATE_TYPES: Record<string, string> = {
  slsaprovenance: "https://slsa.dev/provenance/v0.2",
  slsaprovenance02: "https://slsa.dev/provenance/v0.2",
  slsaprovenance1: "https://slsa.dev/provenance/v1",
  link: "https://in-toto.io/Link/v1",
  spdx: "https://spdx.dev/Document",
  spdxjson: "https://spdx.dev/Document",
  cyclonedx: "https://cyclonedx.org/bom",
  vuln: "https://cosign.sigstore.dev/attestation/vuln/v1",
  openvex: "https://openvex.dev/ns",
  custom: "https://cosign.sigstore.dev/attestation/v1",
};

/** A short name or a URI → the predicate type URI; undefined when neither. */
export function predicateTypeFor(nameOrUri: string): string | undefined {
  const short = PREDICATE_TYPES[nameOrUri.toLowerCase()];
  if (short) return short;
  return /^[a-z][a-z0-9+.-]*:\/\/\S+$/i.test(nameOrUri) ? nameOrUri : undefined;
}

export interface InTotoSubject {
  name?: string;
  digest: Record<string, string>;
  annotations?: Record<string, string>;
}

export interface InTotoStatement {
  _type: string;
  subject: InTotoSubject[];
  predicateType: string;
  predicate: unknown;
}

export function buildStatement(opts: {
  subjectName: string;
  digest: string;
  predicateType: string;
  predicate: unknown;
  subjectAnnotations?: Record<string, string>;
}): InTotoStatement {
  const [alg, hex] = opts.digest.split(":", 2);
  const subject: InTotoSubject = { name: opts.subjectName, digest: { [alg]: hex } };
  if (opts.subjectAnnotations && Object.keys(opts.subjectAnnotations).length > 0)
    subject.annotations = opts.subjectAnnotations;
  return {
    _type: STATEMENT_V1,
    subject: [subject],
    predicateType: opts.predicateType,
    predicate: opts.predicate,
  };
}

export function parseStatement(bytes: Uint8Array): InTotoStatement {
  let doc: unknown;
  try {
    doc = JSON.parse(Buffer.from(bytes).toString("utf8"));
  } catch {
    throw new SignatureFormatError("PAYLOAD_NOT_JSON", "in-toto statement is not JSON");
  }
  const s = doc as Partial<InTotoStatement> | null;
  if (!s || typeof s !== "object" || typeof s._type !== "string" || !STATEMENT_TYPES.includes(s._type))
    throw new SignatureFormatError(
      "PAYLOAD_BAD_SHAPE",
      `not an in-toto statement (_type ${JSON.stringify(s?._type)})`,
    );
  if (!Array.isArray(s.subject) || typeof s.predicateType !== "string")
    throw new SignatureFormatError("PAYLOAD_BAD_SHAPE", "in-toto statement lacks subject or predicateType");
  const ambiguous = ambiguity([
    ["statement", s],
    ...s.subject.map((sub, i): [string, unknown] => [`statement subject ${i + 1}`, sub]),
  ]);
  if (ambiguous) throw new SignatureFormatError("PAYLOAD_BAD_SHAPE", ambiguous);
  return s as InTotoStatement;
}

/** Whether a statement names this digest (`sha256:<hex>`) among its subjects. */
export function statementCoversDigest(s: InTotoStatement, digest: string): boolean {
  const [alg, hex] = digest.split(":", 2);
  return s.subject.some((sub) => typeof sub?.digest === "object" && sub.digest?.[alg] === hex);
}
