/** Ruby gems against OSV `RubyGems` (GHSA, rubysec): gem name as is, RubyGems version order. */
import { type EcosystemMatcher, languageTarget } from "./types.js";

export const rubygemsMatcher: EcosystemMatcher = {
  id: "rubygems",
  docs: "Ruby gems by name and RubyGems version order, OSV ecosystem `RubyGems`",
  packageTypes: ["gem"],
  target: (pkg) => languageTarget("RubyGems", "gem", pkg),
};
