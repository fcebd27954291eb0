/**
 * The source package and source version of a dpkg package, which is what Debian's and Ubuntu's
 * advisories name: `Source: util-linux (2.38.1-5+deb12u3)` gives its own version (it can differ
 * from the binary's by an epoch or a binNMU); with no version there, the binary's version less a
 * binNMU suffix (`+b1`, `+b2`: a rebuild of the same source) is the source version.
 */
import type { Package } from "../../../catalog/types.js";

export function dpkgSource(pkg: Package): { name: string; version: string } {
  const name = pkg.source?.name || pkg.name;
  const version = pkg.source?.version || pkg.version.replace(/\+b\d+$/, "");
  return { name, version };
}
