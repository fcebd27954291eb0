/**
 * Java artifacts against OSV `Maven` (GHSA): name `groupId:artifactId` (from the catalog's
 * metadata, else the purl namespace), Maven ComparableVersion order. An artifact with no known
 * groupId cannot be named the way advisories name it and is not matched.
 */
import type { Package } from "../../../catalog/types.js";
import { type EcosystemMatcher, languageTarget } from "./types.js";

/** `group:artifact` of a Maven package, or undefined without a groupId. */
export function mavenName(pkg: Package): string | undefined {
  if (pkg.name.includes(":")) return pkg.name;
  const group = typeof pkg.metadata?.groupId === "string" ? pkg.metadata.groupId : undefined;
  if (group) return `${group}:${pkg.name}`;
  const m = /^pkg:maven\/([^/@?#]+)\/([^/@?#]+)/.exec(pkg.purl);
  return m ? `${decodeURIComponent(m[1])}:${decodeURIComponent(m[2])}` : undefined;
}

export const mavenMatcher: EcosystemMatcher = {
  id: "maven",
  docs: "Java artifacts by `groupId:artifactId` and Maven version order, OSV ecosystem `Maven`",
  packageTypes: ["maven"],
  target(pkg) {
    const name = mavenName(pkg);
    return name ? languageTarget("Maven", "maven", pkg, name) : undefined;
  },
};
