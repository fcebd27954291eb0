/** npm packages against OSV `npm` (GHSA): names as published (scoped `@scope/name`), semver order. */
import { type EcosystemMatcher, languageTarget } from "./types.js";

export const npmMatcher: EcosystemMatcher = {
  id: "npm",
  docs: "npm packages by name (with scope) and semver version, OSV ecosystem `npm`",
  packageTypes: ["npm"],
  target: (pkg) => languageTarget("npm", "semver", pkg),
};
