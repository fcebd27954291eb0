/**
 * rpm packages against osv.dev's rpm distribution records: AlmaLinux (`AlmaLinux:<major>`, ALSA),
 * Rocky Linux (`Rocky Linux:<major>`, RLSA), openSUSE (`openSUSE:Leap 15.5`, `openSUSE:Tumbleweed`)
 * name the binary package; Photon OS (`Photon OS:3.0`, PHSA) names the source package (as Trivy
 * matches Photon by source name). Version: the catalog's `[epoch:]version-release`, rpm order
 * (the epoch counts only when both sides state one, ../version-cache.ts). Other rpm distributions
 * (RHEL, CentOS, Fedora, SLES, Amazon, Oracle) have no OSV data Portcullis reads yet.
 */
import type { EcosystemMatcher } from "./types.js";

/** Families whose advisories name the source rpm rather than the binary package. */
const BY_SOURCE = new Set(["photon"]);

export const rpmDistroMatcher: EcosystemMatcher = {
  id: "rpm",
  docs: "rpm packages by binary name (Photon OS: source name) and rpm version order, OSV ecosystems `AlmaLinux:N`, `Rocky Linux:N`, `Photon OS:N.0`, `openSUSE:Leap X.Y`, `openSUSE:Tumbleweed`",
  packageTypes: ["rpm"],
  families: ["almalinux", "rocky", "photon", "opensuse-leap", "opensuse-tumbleweed"],
  target(pkg, release) {
    if (!release || !this.families?.includes(release.family) || !pkg.version) return undefined;
    const name = BY_SOURCE.has(release.family) ? pkg.source?.name || pkg.name : pkg.name;
    return {
      ecosystem: release.ecosystem,
      name,
      version: pkg.version,
      scheme: "rpm",
      semverScheme: "semver",
      distro: true,
    };
  },
};
