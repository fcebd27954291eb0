/** The JSON report of the contracts: { tool, findings, errors, summary }, written in pieces. */
import type { Report } from "./finding.js";
import { jsonChunks } from "./json-stream.js";

export function* jsonReportChunks(report: Report): Generator<string> {
  const { rules: _rules, ...rest } = report;
  yield* jsonChunks(rest, "", 2);
  yield "\n";
}

export function renderJson(report: Report): string {
  return [...jsonReportChunks(report)].join("");
}
