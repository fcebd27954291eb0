/**
 * Version ordering for the package ecosystems Portcullis meets in images and advisories:
 * `compareVersions(scheme, a, b)` orders two versions the way the scheme's reference tool does
 * (dpkg, rpm, apk-tools, Maven, RubyGems, PyPA packaging, node-semver, Go). One module per scheme;
 * this file is only the registry. It compares versions; it does not evaluate ranges or advisories.
 */
import { apkScheme } from "./apk.js";
import { dpkgScheme } from "./dpkg.js";
import { InvalidVersionError, UnknownVersionSchemeError } from "./errors.js";
import { gemScheme } from "./gem.js";
import { goScheme } from "./go.js";
import { mavenScheme } from "./maven.js";
import { pep440Scheme } from "./pep440.js";
import { rpmScheme } from "./rpm.js";
import type { VersionOrder, VersionScheme } from "./scheme.js";
import { semverScheme } from "./semver.js";

export { InvalidVersionError, UnknownVersionSchemeError, type VersionErrorCode } from "./errors.js";
export type { VersionOrder, VersionScheme } from "./scheme.js";

export const VERSION_SCHEMES = ["semver", "pep440", "maven", "dpkg", "apk", "rpm", "gem", "go"] as const;
export type VersionSchemeId = (typeof VERSION_SCHEMES)[number];

const REGISTRY: Readonly<Record<VersionSchemeId, VersionScheme>> = {
  semver: semverScheme,
  pep440: pep440Scheme,
  maven: mavenScheme,
  dpkg: dpkgScheme,
  apk: apkScheme,
  rpm: rpmScheme,
  gem: gemScheme,
  go: goScheme,
};

export function isVersionScheme(s: string): s is VersionSchemeId {
  return Object.hasOwn(REGISTRY, s);
}

/** The scheme module for a name; throws UnknownVersionSchemeError for any other name. */
export function versionScheme(scheme: string): VersionScheme {
  if (!isVersionScheme(scheme)) throw new UnknownVersionSchemeError(String(scheme), VERSION_SCHEMES);
  return REGISTRY[scheme];
}

function requireString(scheme: string, v: unknown): string {
  if (typeof v !== "string")
    throw new InvalidVersionError(scheme, String(v), `expected a string, got ${typeof v}`);
  return v;
}

/**
 * -1 when a sorts before b, 0 when they are equal, 1 when a sorts after b, in `scheme`.
 * Throws UnknownVersionSchemeError for an unknown scheme and InvalidVersionError (with `.scheme`,
 * `.version`, `.reason`) when either version is not valid in it.
 */
export function compareVersions(scheme: VersionSchemeId | string, a: string, b: string): VersionOrder {
  const s = versionScheme(scheme);
  const r = s.compare(requireString(scheme, a), requireString(scheme, b));
  return r < 0 ? -1 : r > 0 ? 1 : 0;
}

/** Whether compareVersions(scheme, v, …) would accept `v`. Throws for an unknown scheme. */
export function isValidVersion(scheme: VersionSchemeId | string, v: string): boolean {
  const s = versionScheme(scheme);
  return typeof v === "string" && s.validate(v) === undefined;
}

/** Why `v` is not valid in `scheme`, or undefined when it is. Throws for an unknown scheme. */
export function explainInvalidVersion(scheme: VersionSchemeId | string, v: string): string | undefined {
  const s = versionScheme(scheme);
  if (typeof v !== "string") return `expected a string, got ${typeof v}`;
  return s.validate(v);
}
