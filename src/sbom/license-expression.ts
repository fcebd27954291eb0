/**
 * SPDX license expressions: whether a declared license string is a valid SPDX expression
 * (spdx-expression-parse), used by both SBOM writers to choose between an SPDX id/expression and
 * a named (LicenseRef) license.
 */
import parse from "spdx-expression-parse";

export function validateSpdxExpression(s: string): void {
  parse(s);
}

export function isSpdxExpression(s: string): boolean {
  try {
    parse(s);
    return true;
  } catch {
    return false;
  }
}
