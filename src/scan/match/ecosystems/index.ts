/**
 * The ecosystem matchers, in one list: package type (and, for OS packages, the os-release
 * family) → the matcher that says how to look the package up.
 */
import type { Package } from "../../../catalog/types.js";
import type { DistroRelease } from "../distro.js";
import { alpineMatcher } from "./alpine.js";
import { cratesIoMatcher } from "./crates-io.js";
import { debianMatcher } from "./debian.js";
import { goMatcher } from "./go.js";
import { mavenMatcher } from "./maven.js";
import { npmMatcher } from "./npm.js";
import { pypiMatcher } from "./pypi.js";
import { rpmDistroMatcher } from "./rpm-distros.js";
import { rubygemsMatcher } from "./rubygems.js";
import type { EcosystemMatcher } from "./types.js";
import { ubuntuMatcher } from "./ubuntu.js";

export type { EcosystemMatcher, MatchTarget } from "./types.js";

export const ECOSYSTEM_MATCHERS: readonly EcosystemMatcher[] = [
  npmMatcher,
  pypiMatcher,
  goMatcher,
  mavenMatcher,
  rubygemsMatcher,
  cratesIoMatcher,
  alpineMatcher,
  debianMatcher,
  ubuntuMatcher,
  rpmDistroMatcher,
];

/** The matcher for a package: by type, and for OS packages by the release's family. */
export function matcherFor(pkg: Package, release: DistroRelease | undefined): EcosystemMatcher | undefined {
  return ECOSYSTEM_MATCHERS.find(
    (m) =>
      m.packageTypes.includes(pkg.type) &&
      (!m.families || (release !== undefined && m.families.includes(release.family))),
  );
}

/** Whether a package type is an OS package type (its data depends on the release). */
export function isOsPackageType(type: Package["type"]): boolean {
  return type === "apk" || type === "deb" || type === "rpm";
}
