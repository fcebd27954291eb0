/**
 * rpm packages of AlmaLinux and Rocky Linux against osv.dev's `AlmaLinux:<major>` and
 * `Rocky Linux:<major>` records (ALSA, RLSA), which name the binary package and give
 * `[epoch:]version-release`: matched by binary name and the catalog's version (the same form),
 * rpm version order. Other rpm distributions have no OSV data Portcullis reads yet.
 */
import type { EcosystemMatcher } from "./types.js";

export const rpmDistroMatcher: EcosystemMatcher = {
  id: "rpm",
  docs: "rpm packages by binary name and rpm version order, OSV ecosystems `AlmaLinux:N`, `Rocky Linux:N`",
  packageTypes: ["rpm"],
  families: ["almalinux", "rocky"],
  target(pkg, release) {
    if (!release || !this.families?.includes(release.family) || !pkg.version) return undefined;
    return {
      ecosystem: release.ecosystem,
      name: pkg.name,
      version: pkg.version,
      scheme: "rpm",
      semverScheme: "semver",
      distro: true,
    };
  },
};
