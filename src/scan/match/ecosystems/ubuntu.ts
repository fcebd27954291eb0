/**
 * Ubuntu dpkg packages against `Ubuntu:<YY.MM>[:LTS]` (osv.dev's UBUNTU-CVE / USN records): source
 * package and source version as for Debian, dpkg order. An LTS release is also looked up under
 * its pre-rename spelling (`Ubuntu:26.04` beside `Ubuntu:26.04:LTS`).
 */
import { dpkgSource } from "./dpkg-source.js";
import type { EcosystemMatcher } from "./types.js";

export const ubuntuMatcher: EcosystemMatcher = {
  id: "ubuntu",
  docs: "dpkg packages by source package and source version, OSV ecosystem `Ubuntu:22.04:LTS` style",
  packageTypes: ["deb"],
  families: ["ubuntu"],
  target(pkg, release) {
    if (release?.family !== "ubuntu" || !pkg.version) return undefined;
    const src = dpkgSource(pkg);
    return {
      ecosystem: release.ecosystem,
      ...(release.alsoEcosystems ? { alsoEcosystems: release.alsoEcosystems } : {}),
      ...src,
      scheme: "dpkg",
      semverScheme: "semver",
      distro: true,
    };
  },
};
