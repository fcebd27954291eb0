/**
 * The image reference grammar of distribution/reference, built from small named pieces so the
 * code reads like the spec. Syntax only: normalisation lives in normalize.ts, parsing and error
 * positions in parse.ts.
 *
 *   reference        := name [ ":" tag ] [ "@" digest ]
 *   name             := [domain '/'] remote-name
 *   domain           := host [':' port-number]
 *   host             := domain-name | IPv4address | \[ IPv6address \]
 *   domain-name      := domain-component ['.' domain-component]*
 *   domain-component := /([a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])/
 *   remote-name      := path-component ['/' path-component]*
 *   path-component   := alpha-numeric [separator alpha-numeric]*
 *   alpha-numeric    := /[a-z0-9]+/
 *   separator        := /[_.]|__|[-]+/
 *   tag              := /[\w][\w.-]{0,127}/
 *   digest           := algorithm ":" encoded
 */

export const alphanumeric = "[a-z0-9]+";
export const separator = "(?:[._]|__|[-]+)";
export const pathComponent = `${alphanumeric}(?:${separator}${alphanumeric})*`;
export const domainNameComponent = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
export const domainName = `${domainNameComponent}(?:\\.${domainNameComponent})*`;
export const ipv6Address = "\\[(?:[a-fA-F0-9:]+)\\]";
export const host = `(?:${domainName}|${ipv6Address})`;
export const optionalPort = "(?::[0-9]+)?";
export const domainAndPort = `${host}${optionalPort}`;
export const tag = "[\\w][\\w.-]{0,127}";
/** The digest shape the reference grammar accepts (before algorithm-specific validation). */
export const digest = "[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*[:][0-9a-fA-F]{32,}";
export const remoteName = `${pathComponent}(?:/${pathComponent})*`;
export const namePattern = `(?:${domainAndPort}/)?${remoteName}`;
export const referencePattern = `(${namePattern})(?::(${tag}))?(?:@(${digest}))?`;

const anchored = (p: string) => new RegExp(`^${p}$`);

export const anchoredPathComponent = anchored(pathComponent);
export const anchoredDomain = anchored(domainAndPort);
export const anchoredTag = anchored(tag);
export const anchoredDigest = anchored(digest);
export const anchoredName = anchored(namePattern);
export const anchoredReference = anchored(referencePattern);
/** A bare 64-hex image id, which must never be read as a repository name. */
export const anchoredIdentifier = /^[a-f0-9]{64}$/;

/** Maximum length of a repository path (the name without its domain), from distribution's `Parse`. */
export const NAME_TOTAL_LENGTH_MAX = 255;
export const TAG_LENGTH_MAX = 128;

/**
 * Digest algorithms with a fixed, registered encoding (OCI image spec "Registered algorithms",
 * plus sha384 which go-digest registers). Anything else is grammatical but unsupported.
 */
export const registeredDigestAlgorithms: Record<string, number> = {
  sha256: 64,
  sha384: 96,
  sha512: 128,
  blake3: 64,
};
