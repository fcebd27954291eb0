/**
 * Alpine apk packages against `Alpine:v<major>.<minor>` (osv.dev's ALPINE-CVE records, Alpine
 * secdb): matched by the package's origin (`o:` in the installed database, Package.source.name)
 * at the installed version (an origin and its subpackages share one version), apk version order;
 * reported under the binary package (libcrypto3 for openssl).
 */
import type { EcosystemMatcher } from "./types.js";

export const alpineMatcher: EcosystemMatcher = {
  id: "alpine",
  docs: "apk packages by origin package and apk version order, OSV ecosystem `Alpine:vX.Y` from /etc/alpine-release",
  packageTypes: ["apk"],
  families: ["alpine"],
  target(pkg, release) {
    if (release?.family !== "alpine" || !pkg.version) return undefined;
    return {
      ecosystem: release.ecosystem,
      name: pkg.source?.name || pkg.name,
      version: pkg.version,
      scheme: "apk",
      semverScheme: "semver",
      distro: true,
    };
  },
};
