/**
 * Parse image references: the raw grammar (like distribution's `Parse`) and the normalising
 * form (like `ParseNormalizedNamed`). Validation is done piece by piece so an error can name
 * the first offending character; the composed regular expressions in grammar.ts stay the
 * single source of truth for what is valid.
 */
import { InvalidReferenceError } from "./errors.js";
import {
  anchoredDigest,
  anchoredDomain,
  anchoredIdentifier,
  anchoredPathComponent,
  anchoredTag,
  NAME_TOTAL_LENGTH_MAX,
  registeredDigestAlgorithms,
  TAG_LENGTH_MAX,
} from "./grammar.js";
import { splitDockerDomain } from "./normalize.js";
import { Reference } from "./reference.js";

export interface ParseOptions {
  /** Normalise to docker.io/library like `ParseNormalizedNamed` (default true). */
  normalize?: boolean;
  /**
   * Reject a first component that is read as a registry host only because it has capital
   * letters (`Foo/bar`: no '.', no ':', not localhost). The grammar accepts it (distribution
   * treats hostnames as case-insensitive), but a user who writes it almost always meant a
   * repository, which must be lowercase. The CLI and the linters parse strictly.
   */
  strictHost?: boolean;
}

interface RawParts {
  domain: string;
  path: string;
  tag?: string;
  digest?: string;
}

/** Parse an image reference; throws InvalidReferenceError with a code and position. */
export function parseReference(input: string, opts: ParseOptions = {}): Reference {
  if (opts.normalize === false) {
    const raw = parseRaw(input, input, 0);
    return new Reference(raw.domain, raw.path, raw.tag, raw.digest);
  }
  const ref = parseNormalized(input);
  if (
    opts.strictHost &&
    !/[.:]/.test(ref.domain) &&
    ref.domain !== "localhost" &&
    ref.domain !== ref.domain.toLowerCase()
  ) {
    throw new InvalidReferenceError(
      "NAME_UPPERCASE",
      `invalid reference format: repository name must be lowercase ("${ref.domain}" has capitals but no '.' or ':', so it is not a registry host)`,
      input,
      firstUppercase(ref.domain),
    );
  }
  return ref;
}

function parseNormalized(input: string): Reference {
  if (input.length === 0) {
    throw new InvalidReferenceError(
      "NAME_EMPTY",
      "repository name must have at least one component",
      input,
      0,
    );
  }
  if (anchoredIdentifier.test(input)) {
    throw new InvalidReferenceError(
      "HEX_IDENTIFIER",
      `invalid repository name (${input}), cannot specify 64-byte hexadecimal strings`,
      input,
      0,
    );
  }
  const { domain, remainder } = splitDockerDomain(input);
  const tagSep = remainder.indexOf(":");
  const remote = tagSep >= 0 ? remainder.slice(0, tagSep) : remainder;
  const constructed = `${domain}/${remainder}`;
  // Positions found in the constructed string map back to the input: everything that differs
  // (an added "docker.io/library/", a shortened "index.docker.io") sits before the remainder.
  const shift = constructed.length - input.length;
  if (remote.toLowerCase() !== remote) {
    const at = firstUppercase(remote);
    throw new InvalidReferenceError(
      "NAME_UPPERCASE",
      `invalid reference format: repository name (${remote}) must be lowercase`,
      input,
      Math.max(0, input.length - remainder.length + at),
    );
  }
  const raw = parseRaw(constructed, input, shift);
  if (!raw.domain) {
    throw new InvalidReferenceError("INVALID_FORMAT", "invalid reference format", input, 0);
  }
  return new Reference(raw.domain, raw.path, raw.tag, raw.digest);
}

function firstUppercase(s: string): number {
  for (let i = 0; i < s.length; i++) if (s[i] !== s[i].toLowerCase()) return i;
  return 0;
}

/**
 * The raw grammar over `s`. Errors are reported against `input` at (position in s) - shift.
 */
function parseRaw(s: string, input: string, shift: number): RawParts {
  const fail = (code: InvalidReferenceError["code"], message: string, pos: number): never => {
    throw new InvalidReferenceError(code, message, input, Math.max(0, Math.min(input.length, pos - shift)));
  };
  if (s.length === 0) fail("NAME_EMPTY", "repository name must have at least one component", 0);

  let rest = s;
  let digest: string | undefined;
  const at = s.indexOf("@");
  if (at >= 0) {
    digest = s.slice(at + 1);
    rest = s.slice(0, at);
    validateDigest(digest, at + 1, fail);
  }
  const lastSlash = rest.lastIndexOf("/");
  const colon = rest.indexOf(":", lastSlash + 1);
  let tag: string | undefined;
  let name = rest;
  if (colon >= 0) {
    tag = rest.slice(colon + 1);
    name = rest.slice(0, colon);
  }
  if (name.length === 0) fail("INVALID_FORMAT", "invalid reference format: missing repository name", 0);

  const { domain, path, pathStart } = splitName(name, fail);
  validatePath(path, pathStart, fail);
  // distribution/reference limits the path (the name without its domain), not the whole name.
  if (path.length > NAME_TOTAL_LENGTH_MAX) {
    fail(
      "NAME_TOO_LONG",
      `repository path must not be more than ${NAME_TOTAL_LENGTH_MAX} characters (got ${path.length})`,
      pathStart + NAME_TOTAL_LENGTH_MAX,
    );
  }
  if (tag !== undefined) validateTag(tag, colon + 1, fail);
  return { domain, path, tag, digest };
}

type Fail = (code: InvalidReferenceError["code"], message: string, pos: number) => never;

/** Decide whether the first component is a domain, exactly as the grammar's greedy group does. */
function splitName(name: string, fail: Fail): { domain: string; path: string; pathStart: number } {
  const slash = name.indexOf("/");
  if (slash > 0) {
    const first = name.slice(0, slash);
    if (anchoredDomain.test(first))
      return { domain: first, path: name.slice(slash + 1), pathStart: slash + 1 };
    if (/[.:[\]]/.test(first) || first === "localhost") {
      // Clearly meant as a host: say what is wrong with it.
      if (!anchoredPathComponent.test(first)) {
        fail(
          "INVALID_FORMAT",
          `invalid reference format: invalid registry host "${first}"`,
          badDomainChar(first),
        );
      }
    }
  }
  return { domain: "", path: name, pathStart: 0 };
}

function badDomainChar(d: string): number {
  const m = /[^A-Za-z0-9.\-:[\]]/.exec(d);
  if (m) return m.index;
  const parts = /^(.*?)(:[^:\]]*)?$/.exec(d);
  if (parts?.[2] && !/^:[0-9]+$/.test(parts[2])) return (parts[1]?.length ?? 0) + 1;
  const dots = d.search(/\.\.|^[.-]|-\.|\.-|-$|-:/);
  return dots >= 0 ? dots : 0;
}

function validatePath(path: string, start: number, fail: Fail): void {
  let offset = start;
  for (const component of path.split("/")) {
    if (!anchoredPathComponent.test(component)) {
      if (anchoredPathComponent.test(component.toLowerCase())) {
        fail(
          "NAME_UPPERCASE",
          "invalid reference format: repository name must be lowercase",
          offset + firstUppercase(component),
        );
      }
      fail(
        "INVALID_FORMAT",
        component.length === 0
          ? "invalid reference format: empty path component"
          : `invalid reference format: invalid path component "${component}"`,
        offset + badPathChar(component),
      );
    }
    offset += component.length + 1;
  }
}

/** Position of the first character that breaks `alnum (separator alnum)*`. */
function badPathChar(c: string): number {
  let i = 0;
  const alnum = (ch: string | undefined) => ch !== undefined && /[a-z0-9]/.test(ch);
  if (!alnum(c[0])) return 0;
  while (i < c.length) {
    while (i < c.length && alnum(c[i])) i++;
    if (i >= c.length) return c.length;
    const sepStart = i;
    if (c[i] === "-") while (c[i] === "-") i++;
    else if (c.startsWith("__", i)) i += 2;
    else if (c[i] === "." || c[i] === "_") i++;
    else return i;
    if (!alnum(c[i])) return i < c.length ? i : sepStart;
  }
  return c.length;
}

function validateTag(tag: string, start: number, fail: Fail): void {
  if (anchoredTag.test(tag)) return;
  if (tag.length > TAG_LENGTH_MAX && anchoredTag.test(tag.slice(0, TAG_LENGTH_MAX))) {
    fail("INVALID_TAG", `invalid tag: longer than ${TAG_LENGTH_MAX} characters`, start + TAG_LENGTH_MAX);
  }
  const bad = tag.length === 0 ? 0 : /^[\w]/.test(tag) ? tag.search(/[^\w.-]/) : 0;
  fail(
    "INVALID_TAG",
    tag.length === 0
      ? "invalid reference format: empty tag"
      : `invalid reference format: invalid tag "${tag}" (letters, digits, '_', '.', '-'; not starting with '.' or '-')`,
    start + Math.max(0, bad),
  );
}

function validateDigest(d: string, start: number, fail: Fail): void {
  const colon = d.indexOf(":");
  if (!anchoredDigest.test(d)) {
    if (colon < 0) fail("INVALID_DIGEST", "invalid digest: expected algorithm:hex", start);
    const alg = d.slice(0, colon);
    const badAlg = /^[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*$/.test(alg);
    if (!badAlg) fail("INVALID_DIGEST", `invalid digest algorithm "${alg}"`, start);
    const enc = d.slice(colon + 1);
    const badHex = enc.search(/[^0-9a-fA-F]/);
    if (badHex >= 0)
      fail("INVALID_DIGEST", "invalid digest: encoded part must be hexadecimal", start + colon + 1 + badHex);
    fail("DIGEST_INVALID_LENGTH", "invalid checksum digest length", start + colon + 1 + enc.length);
  }
  const alg = d.slice(0, colon);
  const enc = d.slice(colon + 1);
  const expected = registeredDigestAlgorithms[alg];
  if (expected === undefined) {
    fail("DIGEST_UNSUPPORTED", `unsupported digest algorithm "${alg}"`, start);
  }
  if (enc.length !== expected) {
    fail(
      "DIGEST_INVALID_LENGTH",
      `invalid checksum digest length: ${alg} needs ${expected} hex characters, got ${enc.length}`,
      start + colon + 1 + Math.min(enc.length, expected),
    );
  }
  const upper = enc.search(/[^0-9a-f]/);
  if (upper >= 0) {
    fail(
      "INVALID_DIGEST",
      "invalid checksum digest format: hex must be lowercase",
      start + colon + 1 + upper,
    );
  }
}

/**
 * distribution's ParseAnyReference: a bare 64-hex id is a digest reference (`sha256:<hex>`,
 * returned as a string), anything else a normalised reference.
 */
export function parseAnyReference(input: string): Reference | string {
  if (anchoredIdentifier.test(input)) return `sha256:${input}`;
  return parseReference(input);
}

/** A repository name only (no tag, no digest), raw grammar, like distribution's WithName. */
export function parseRepositoryName(input: string): Reference {
  const ref = parseReference(input, { normalize: false });
  if (ref.tag !== undefined || ref.digest !== undefined) {
    throw new InvalidReferenceError(
      "INVALID_FORMAT",
      "invalid reference format: expected a name without tag or digest",
      input,
      ref.name.length,
    );
  }
  return ref;
}

/** distribution's ParseNamed: the input must already be in canonical (fully qualified) form. */
export function parseCanonicalReference(input: string): Reference {
  const ref = parseReference(input);
  if (ref.toString() !== input) {
    throw new InvalidReferenceError(
      "INVALID_FORMAT",
      `repository name must be canonical (${ref.toString()}), got ${input}`,
      input,
      0,
    );
  }
  return ref;
}
