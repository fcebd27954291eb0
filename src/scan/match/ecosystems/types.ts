/**
 * The contract of one ecosystem matcher: which catalog packages it takes and how a package is
 * looked up in the vulnerability data (OSV ecosystem, name as the advisories spell it, version and
 * version scheme). One matcher per file, listed in ./index.ts. Not for range evaluation
 * (../osv-affected.ts).
 */
import type { Package, PackageType } from "../../../catalog/types.js";
import type { VersionSchemeId } from "../../../version/index.js";
import type { DistroRelease } from "../distro.js";

export interface MatchTarget {
  /** OSV ecosystem to look up, e.g. `npm`, `Debian:12`. */
  ecosystem: string;
  /** Other spellings of the same ecosystem, looked up as well (DistroRelease.alsoEcosystems). */
  alsoEcosystems?: readonly string[];
  /** Package name as the advisories name it (Maven `group:artifact`, apk origin, dpkg source). */
  name: string;
  /**
   * Other names advisories may use for the package, looked up as well (rpm: the binary name
   * beside the source name, since osv.dev's AlmaLinux/Rocky records name the source rpm and
   * Trivy's data the binary).
   */
  alsoNames?: readonly string[];
  /** Version compared with the advisories' (dpkg source version, Go version with `v`). */
  version: string;
  /** Scheme for ECOSYSTEM ranges. */
  scheme: VersionSchemeId;
  /** Scheme for SEMVER ranges (Go reads OSV's `v`-less versions with its own scheme). */
  semverScheme: VersionSchemeId;
  /** OS package (distribution severity ratings apply; release data may be missing). */
  distro: boolean;
}

export interface EcosystemMatcher {
  id: string;
  /** What it matches and how (shown in docs). */
  docs: string;
  packageTypes: readonly PackageType[];
  /** OS matchers: the os-release families they serve. */
  families?: readonly string[];
  /** The look-up of a package, or undefined when it cannot be matched (e.g. no version). */
  target(pkg: Package, release: DistroRelease | undefined): MatchTarget | undefined;
}

/** A language ecosystem: the package's own name (or a mapped one) and version. */
export function languageTarget(
  ecosystem: string,
  scheme: VersionSchemeId,
  pkg: Package,
  name = pkg.name,
  semverScheme: VersionSchemeId = "semver",
): MatchTarget | undefined {
  if (!pkg.version || !name) return undefined;
  return { ecosystem, name, version: pkg.version, scheme, semverScheme, distro: false };
}
