/**
 * Python packages against OSV `PyPI` (PYSEC, GHSA): PEP 440 version order, names compared in their
 * PEP 503 normal form (`PyYAML` = `pyyaml`, `zope.interface` = `zope-interface`; the store
 * normalises both sides with normalizePackageName).
 */
import { type EcosystemMatcher, languageTarget } from "./types.js";

export const pypiMatcher: EcosystemMatcher = {
  id: "pypi",
  docs: "Python packages by PEP 503-normalised name and PEP 440 version, OSV ecosystem `PyPI`",
  packageTypes: ["pypi"],
  target: (pkg) => languageTarget("PyPI", "pep440", pkg),
};
