/**
 * Ruby gems against OSV `RubyGems` (GHSA, rubysec): gem name as is, RubyGems version order. A
 * platform suffix (`1.13.10-x86_64-linux`, `1.9.25-x86-mingw32`, `1.8.6-java`, as Gemfile.lock and
 * some SBOMs write platform gems) is not part of the gem's version and is left out, so a
 * platform build is matched like its plain release.
 */
import type { Package } from "../../../catalog/types.js";
import { type EcosystemMatcher, languageTarget } from "./types.js";

const PLATFORM =
  /-(?:x86|x86_64|x64|i[3-6]86|amd64|arm|arm64|armv\d\w*|aarch64|powerpc\w*|ppc\w*|s390x?|sparc\w*|universal|java|jruby|dalvik\d*|mswin\w*|mingw\w*|darwin\w*|linux\w*|freebsd\w*|openbsd\w*|netbsd\w*|solaris\w*)(?:[-_.][\w.-]*)?$/;

/** The gem version without a platform suffix. */
export function gemVersion(version: string): string {
  return version.replace(PLATFORM, "");
}

export const rubygemsMatcher: EcosystemMatcher = {
  id: "rubygems",
  docs: "Ruby gems by name and RubyGems version order (platform suffixes such as `-x86_64-linux` left out), OSV ecosystem `RubyGems`",
  packageTypes: ["gem"],
  target: (pkg: Package) => languageTarget("RubyGems", "gem", { ...pkg, version: gemVersion(pkg.version) }),
};
