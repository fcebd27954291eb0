/**
 * Debian dpkg packages against `Debian:<major>` (Debian security tracker, osv.dev's DEBIAN-CVE /
 * DSA / DLA records): matched by source package and source version (binNMU `+bN` handled, see
 * ./dpkg-source.ts), dpkg version order; reported under the binary package.
 */
import { dpkgSource } from "./dpkg-source.js";
import type { EcosystemMatcher } from "./types.js";

export const debianMatcher: EcosystemMatcher = {
  id: "debian",
  docs: "dpkg packages by source package and source version (binNMU handled), dpkg order, OSV ecosystem `Debian:N` (bookworm = 12)",
  packageTypes: ["deb"],
  families: ["debian"],
  target(pkg, release) {
    if (release?.family !== "debian" || !pkg.version) return undefined;
    const src = dpkgSource(pkg);
    return { ecosystem: release.ecosystem, ...src, scheme: "dpkg", semverScheme: "semver", distro: true };
  },
};
