/**
 * Go modules against OSV `Go` (golang/vulndb, GHSA): module path as is, versions with `v`
 * (pseudo-versions and `+incompatible` read by the Go scheme, which also reads OSV's `v`-less
 * SEMVER events). The standard library is the package `stdlib` at the binary's Go version
 * (go-binary records `v1.21.3`; a toolchain pre-release such as `go1.21rc2` is read as such).
 * A module without a version (`(devel)`, a main module built from a checkout) is not matched.
 */
import { isValidVersion } from "../../../version/index.js";
import type { EcosystemMatcher } from "./types.js";

function goVersion(name: string, version: string): string | undefined {
  if (!version || version === "(devel)") return undefined;
  if (isValidVersion("go", version)) return version;
  // stdlib from a toolchain pre-release: the cataloger wrote v1.21rc2 for go1.21rc2.
  if (name === "stdlib" && version.startsWith("v") && isValidVersion("go", `go${version.slice(1)}`)) {
    return `go${version.slice(1)}`;
  }
  return version;
}

export const goMatcher: EcosystemMatcher = {
  id: "go",
  docs: "Go modules by module path and version (pseudo-versions too); `stdlib` at the binary's Go version; OSV ecosystem `Go`",
  packageTypes: ["golang"],
  target(pkg) {
    const version = goVersion(pkg.name, pkg.version);
    if (!version) return undefined;
    return { ecosystem: "Go", name: pkg.name, version, scheme: "go", semverScheme: "go", distro: false };
  },
};
