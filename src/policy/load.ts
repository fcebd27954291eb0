/**
 * Loading an ImagePolicy file: YAML parsing with positions, validation against the shipped JSON
 * Schema (schemas/image-policy.schema.json) with ajv, then the checks a schema cannot express
 * (image patterns, dates, key files). Every problem is reported as file:line:column with what was
 * expected. Not for evaluating a policy (engine.ts).
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import addFormatsModule from "ajv-formats";
import { type Document, isMap, isPair, isScalar, LineCounter, type Node, parseAllDocuments } from "yaml";
import { aliasProblem, decodeConfigBytes } from "../config/safe-yaml.js";
import { KeySourceError, readKeyFile } from "./keys.js";
import { validatePattern } from "./patterns.js";
import type { ImagePolicy, KeySource, LoadedPolicy } from "./types.js";

/** The folder each loaded policy's relative key paths are read from (the policy object is the key). */
const baseDirs = new WeakMap<ImagePolicy, string>();

/** The folder relative key paths of this policy resolve against (the policy file's folder). */
export function policyBaseDir(policy: ImagePolicy): string {
  return baseDirs.get(policy) ?? process.cwd();
}

/** Where the schema ships: <package>/schemas, two levels up from src/policy or dist/policy. */
export const POLICY_SCHEMA_PATH = resolve(
  dirname(fileURLToPath(import.meta.url)),
  "..",
  "..",
  "schemas",
  "image-policy.schema.json",
);

export interface PolicyProblem {
  file: string;
  line: number;
  column: number;
  message: string;
}

export class PolicyError extends Error {
  override readonly name = "PolicyError";
  constructor(
    readonly file: string,
    readonly problems: PolicyProblem[],
  ) {
    // Line 0 means the problem is with the file as a whole (e.g. it cannot be read).
    super(
      problems.map((p) => `${p.file}${p.line > 0 ? `:${p.line}:${p.column}` : ""}: ${p.message}`).join("\n"),
    );
  }
}

let validator: ValidateFunction | undefined;

function schemaValidator(): ValidateFunction {
  if (validator) return validator;
  const ajv = new Ajv({ allErrors: true, strict: false });
  const addFormats = addFormatsModule as unknown as { default: (a: Ajv) => void };
  addFormats.default(ajv);
  validator = ajv.compile(JSON.parse(readFileSync(POLICY_SCHEMA_PATH, "utf8")) as object);
  return validator;
}

/** Read and validate a policy file; throws PolicyError listing every problem found. */
export function loadPolicyFile(file: string): LoadedPolicy {
  let text: string;
  try {
    const decoded = decodeConfigBytes(readFileSync(file), file);
    if (decoded.problem) throw new PolicyError(file, [{ file, ...decoded.problem }]);
    text = decoded.text;
  } catch (err) {
    if (err instanceof PolicyError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === "ENOENT"
        ? "no such file"
        : code === "EISDIR"
          ? "is a directory, expected a YAML file"
          : code === "EACCES"
            ? "permission denied"
            : (err as Error).message;
    throw new PolicyError(file, [{ file, line: 0, column: 0, message: `cannot read policy file: ${why}` }]);
  }
  return parsePolicy(text, file, dirname(resolve(file)));
}

/** Parse and validate policy text (YAML or JSON). `source` names it in messages. */
export function parsePolicy(text: string, source = "<inline>", baseDir = process.cwd()): LoadedPolicy {
  const lc = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter: lc, prettyErrors: false });
  const at = (offset: number | undefined) => {
    if (offset === undefined) return { line: 1, column: 1 };
    const p = lc.linePos(offset);
    return { line: p.line, column: p.col };
  };
  const problems: PolicyProblem[] = [];
  if (!Array.isArray(docs)) {
    throw new PolicyError(source, [{ file: source, line: 1, column: 1, message: "empty policy file" }]);
  }
  const real = docs.filter((d) => d.contents !== null);
  for (const d of docs) {
    for (const e of d.errors) {
      const { line, column } = at(e.pos[0]);
      problems.push({ file: source, line, column, message: `YAML syntax: ${e.message.split("\n")[0]}` });
    }
  }
  if (problems.length) throw new PolicyError(source, problems);
  if (real.length !== 1) {
    const where = at(real[1]?.range?.[0]);
    throw new PolicyError(source, [
      {
        file: source,
        ...(real.length === 0 ? { line: 1, column: 1 } : where),
        message:
          real.length === 0
            ? "empty policy file: expected one ImagePolicy document"
            : "expected exactly one YAML document (one ImagePolicy)",
      },
    ]);
  }
  const doc = real[0] as Document.Parsed;
  const bomb = aliasProblem(doc, lc);
  if (bomb) throw new PolicyError(source, [{ file: source, ...bomb }]);
  const value = doc.toJS({ maxAliasCount: -1 }) as unknown;
  const validate = schemaValidator();
  if (!validate(value)) {
    for (const e of dedupe(validate.errors ?? [])) {
      const { node, key } = nodeFor(doc, e);
      const { line, column } = at(node?.range?.[0] ?? key?.range?.[0]);
      problems.push({ file: source, line, column, message: describe(e) });
    }
    throw new PolicyError(source, problems);
  }
  const policy = value as ImagePolicy;
  semanticChecks(policy, doc, source, baseDir, at, problems);
  if (problems.length) throw new PolicyError(source, problems);
  baseDirs.set(policy, baseDir);
  return { policy, source, baseDir };
}

function dedupe(errors: ErrorObject[]): ErrorObject[] {
  // oneOf failures repeat the branch errors; keep the clearest one per location.
  const seen = new Set<string>();
  const out: ErrorObject[] = [];
  for (const e of errors) {
    if (e.keyword === "oneOf" && errors.some((o) => o !== e && o.instancePath === e.instancePath)) {
      continue;
    }
    // if/then/else only restates the errors of its branch ('must match "else" schema').
    if (e.keyword === "if") continue;
    const k = `${e.instancePath}|${e.keyword}|${JSON.stringify(e.params)}`;
    if (seen.has(k)) continue;
    seen.add(k);
    out.push(e);
  }
  return out;
}

function pointerToPath(p: string): (string | number)[] {
  if (!p) return [];
  return p
    .slice(1)
    .split("/")
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

/** The YAML node an ajv error is about (the offending key for unknown properties). */
function nodeFor(doc: Document.Parsed, e: ErrorObject): { node?: Node; key?: Node } {
  const path = pointerToPath(e.instancePath);
  const node = doc.getIn(path, true) as Node | undefined;
  if (e.keyword === "additionalProperties" && isMap(node)) {
    const extra = (e.params as { additionalProperty: string }).additionalProperty;
    const pair = node.items.find((it) => isPair(it) && isScalar(it.key) && it.key.value === extra);
    if (pair && isPair(pair)) return { key: pair.key as Node };
  }
  if (node) return { node };
  // Fall back to the nearest existing ancestor.
  for (let i = path.length - 1; i >= 0; i--) {
    const n = doc.getIn(path.slice(0, i), true) as Node | undefined;
    if (n) return { node: n };
  }
  return { node: doc.contents as Node };
}

function describe(e: ErrorObject): string {
  const where = e.instancePath ? e.instancePath.slice(1).replace(/\//g, ".") : "(top level)";
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case "additionalProperties":
      return `${where}: unknown field "${p.additionalProperty}"`;
    case "required":
      return `${where}: missing required field "${p.missingProperty}"`;
    case "enum":
      return `${where}: expected one of ${(p.allowedValues as unknown[]).map((v) => JSON.stringify(v)).join(", ")}`;
    case "const":
      return `${where}: expected ${JSON.stringify(p.allowedValue)}`;
    case "type":
      if (!e.instancePath)
        return "expected an ImagePolicy: a YAML mapping with apiVersion: portcullis.dev/v1alpha1 and kind: ImagePolicy";
      return `${where}: expected ${p.type}`;
    case "format":
      return `${where}: expected a ${p.format}${p.format === "date" ? " (YYYY-MM-DD)" : ""}`;
    case "oneOf":
      return `${where}: give exactly one of "file" or "secret"`;
    case "pattern":
      return `${where}: does not match ${p.pattern}`;
    case "minItems":
      return `${where}: expected at least ${p.limit} item(s)`;
    default:
      return `${where}: ${e.message ?? "invalid"}`;
  }
}

function semanticChecks(
  policy: ImagePolicy,
  doc: Document.Parsed,
  source: string,
  baseDir: string,
  at: (o: number | undefined) => { line: number; column: number },
  problems: PolicyProblem[],
): void {
  const report = (path: (string | number)[], message: string) => {
    const n = doc.getIn(path, true) as Node | undefined;
    problems.push({ file: source, ...at(n?.range?.[0]), message });
  };
  const checkPatterns = (path: (string | number)[], patterns: string[] | undefined) => {
    patterns?.forEach((p, i) => {
      const why = validatePattern(p);
      if (why) report([...path, i], `${path.join(".")}[${i}]: bad image pattern "${p}": ${why}`);
    });
  };
  const r = policy.spec.rules ?? {};
  checkPatterns(["spec", "rules", "allowedRegistries", "patterns"], r.allowedRegistries?.patterns);
  checkPatterns(["spec", "rules", "pullSecrets", "privateRegistries"], r.pullSecrets?.privateRegistries);
  checkPatterns(["spec", "exemptions", "images"], policy.spec.exemptions?.images);
  metadataChecks(policy, report, checkPatterns);
  // Key files must exist and hold a public key (or a Secret manifest with cosign.pub). Keys
  // from Secrets are read when needed: the Secret may exist only where the webhook runs.
  const checkKeyFile = (path: (string | number)[], key: KeySource | undefined) => {
    if (!key?.file) return;
    const where = `${path.join(".").replace(/\.(\d+)\./g, "[$1].")}.file`;
    if (!existsSync(resolve(baseDir, key.file))) {
      report(
        [...path, "file"],
        `${where}: key file "${key.file}" not found (relative paths are read from the policy file's folder)`,
      );
      return;
    }
    try {
      readKeyFile(key.file, baseDir);
    } catch (err) {
      if (!(err instanceof KeySourceError)) throw err;
      report([...path, "file"], `${where}: ${err.message}`);
    }
  };
  r.signatures?.keys.forEach((k, i) => {
    checkPatterns(["spec", "rules", "signatures", "keys", i, "images"], k.images);
    checkKeyFile(["spec", "rules", "signatures", "keys", i, "key"], k.key);
  });
  r.attestations?.require.forEach((a, i) => {
    checkPatterns(["spec", "rules", "attestations", "require", i, "images"], a.images);
    checkKeyFile(["spec", "rules", "attestations", "require", i, "key"], a.key);
  });
  const vuln = r.vulnerabilities;
  if (vuln) {
    checkKeyFile(["spec", "rules", "vulnerabilities", "key"], vuln.key);
    // Attestation evidence needs a key: its own, or the image's signature keys.
    if (vuln.evidence === "attestation" && !vuln.key && !r.signatures?.keys.length)
      report(
        ["spec", "rules", "vulnerabilities", "evidence"],
        "spec.rules.vulnerabilities.evidence: attestation needs a key to verify the vuln attestation: set spec.rules.vulnerabilities.key or spec.rules.signatures keys",
      );
    if (vuln.evidence !== "attestation" && (vuln.maxAge || vuln.key))
      report(
        ["spec", "rules", "vulnerabilities", vuln.maxAge ? "maxAge" : "key"],
        `spec.rules.vulnerabilities.${vuln.maxAge ? "maxAge" : "key"}: only used with evidence: attestation`,
      );
    vuln.ignore?.forEach((x, i) => {
      if (typeof x === "string" || !x.expires) return;
      const d = new Date(`${x.expires}T00:00:00Z`);
      if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== x.expires)
        report(
          ["spec", "rules", "vulnerabilities", "ignore", i, "expires"],
          `spec.rules.vulnerabilities.ignore[${i}].expires: not a real date "${x.expires}"`,
        );
    });
  }
  policy.spec.exceptions?.forEach((x, i) => {
    const d = new Date(`${x.expires}T00:00:00Z`);
    if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== x.expires) {
      report(
        ["spec", "exceptions", i, "expires"],
        `spec.exceptions[${i}].expires: not a real date "${x.expires}"`,
      );
    }
  });
}

/** Kubernetes' annotation key syntax: an optional DNS-subdomain prefix and `/`, then a name of up to 63 characters. */
const ANNOTATION_KEY =
  /^(?:[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9](?:[-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;

/** The checks of requiredLabels, requiredAnnotations and allowedBaseImages a schema cannot state. */
function metadataChecks(
  policy: ImagePolicy,
  report: (path: (string | number)[], message: string) => void,
  checkPatterns: (path: (string | number)[], patterns: string[] | undefined) => void,
): void {
  const r = policy.spec.rules ?? {};
  checkPatterns(["spec", "rules", "requiredLabels", "images"], r.requiredLabels?.images);
  checkPatterns(["spec", "rules", "allowedBaseImages", "images"], r.allowedBaseImages?.images);
  checkPatterns(["spec", "rules", "allowedBaseImages", "patterns"], r.allowedBaseImages?.patterns);
  const lists = [
    ["requiredLabels", "labels", r.requiredLabels?.labels],
    ["requiredAnnotations", "annotations", r.requiredAnnotations?.annotations],
  ] as const;
  for (const [section, field, entries] of lists) {
    const seen = new Set<string>();
    entries?.forEach((e, i) => {
      const where = `spec.rules.${section}.${field}[${i}].key`;
      if (seen.has(e.key))
        report(["spec", "rules", section, field, i, "key"], `${where}: "${e.key}" is listed twice`);
      seen.add(e.key);
      if (section === "requiredAnnotations" && !ANNOTATION_KEY.test(e.key))
        report(
          ["spec", "rules", section, field, i, "key"],
          `${where}: "${e.key}" is not an annotation key (expected [prefix/]name: a DNS subdomain, "/", then up to 63 letters, digits, "-", "_" or ".")`,
        );
    });
  }
}
