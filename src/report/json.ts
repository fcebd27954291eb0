/** The JSON report of the contracts: { tool, findings, errors, summary }. */
import type { Report } from "./finding.js";

export function renderJson(report: Report): string {
  const { rules: _rules, ...rest } = report;
  return `${JSON.stringify(rest, null, 2)}\n`;
}
