/** Rust crates against OSV `crates.io` (RustSec, GHSA): crate name as is, semver order. */
import { type EcosystemMatcher, languageTarget } from "./types.js";

export const cratesIoMatcher: EcosystemMatcher = {
  id: "crates.io",
  docs: "Rust crates by name and semver version, OSV ecosystem `crates.io`",
  packageTypes: ["cargo"],
  target: (pkg) => languageTarget("crates.io", "semver", pkg),
};
