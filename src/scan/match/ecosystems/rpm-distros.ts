/**
 * rpm packages against osv.dev's rpm distribution records: AlmaLinux (`AlmaLinux:<major>`, ALSA),
 * Rocky Linux (`Rocky Linux:<major>`, RLSA), openSUSE (`openSUSE:Leap 15.5`,
 * `openSUSE:Tumbleweed`) and Photon OS (`Photon OS:3.0`, PHSA). The OSV schema has these records
 * name the source rpm (openSUSE lists the binaries in `ecosystem_specific`), while Trivy's data
 * names AlmaLinux/Rocky/openSUSE binaries: the package is looked up under its source rpm name
 * and its own name, and reported under its own. Version: the catalog's
 * `[epoch:]version-release`, rpm order (the epoch counts only when both sides state one,
 * ../version-cache.ts). Other rpm distributions (RHEL, CentOS, Fedora, SLES, Amazon, Oracle) have
 * no OSV data Portcullis reads yet.
 */
import type { EcosystemMatcher } from "./types.js";

export const rpmDistroMatcher: EcosystemMatcher = {
  id: "rpm",
  docs: "rpm packages by source rpm name and binary name, rpm version order, OSV ecosystems `AlmaLinux:N`, `Rocky Linux:N`, `Photon OS:N.0`, `openSUSE:Leap X.Y`, `openSUSE:Tumbleweed`",
  packageTypes: ["rpm"],
  families: ["almalinux", "rocky", "photon", "opensuse-leap", "opensuse-tumbleweed"],
  target(pkg, release) {
    if (!release || !this.families?.includes(release.family) || !pkg.version) return undefined;
    const source = pkg.source?.name;
    const name = source || pkg.name;
    return {
      ecosystem: release.ecosystem,
      name,
      ...(name !== pkg.name ? { alsoNames: [pkg.name] } : {}),
      version: pkg.version,
      scheme: "rpm",
      semverScheme: "semver",
      distro: true,
    };
  },
};
