/**
 * Report rendering: one function per format, all from the same Report value. Every format (JSON,
 * SARIF, JUnit, the table and the self-contained HTML page) is produced as pieces by `reportChunks`, so a CLI writes them as
 * they are made and never holds the whole text; `renderReport` joins them for callers that want a string.
 */
import type { Report } from "./finding.js";
import { findingsToHtml, renderHtml } from "./html/index.js";
import { jsonReportChunks } from "./json.js";
import { junitChunks } from "./junit.js";
import { sarifChunks } from "./sarif.js";
import { tableChunks } from "./table.js";

export * from "./finding.js";

export const REPORT_FORMATS = ["table", "json", "sarif", "junit", "html"] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export interface RenderOptions {
  color: boolean;
  quiet: boolean;
  /** The HTML report's title, e.g. "lint k8s deploy/" (default: "Portcullis report"). */
  title?: string;
}

/** The report as pieces of text, in order; their concatenation is the whole report. */
export function reportChunks(report: Report, format: ReportFormat, opts: RenderOptions): Iterable<string> {
  switch (format) {
    case "json":
      return jsonReportChunks(report);
    case "sarif":
      return sarifChunks(report);
    case "junit":
      return junitChunks(report);
    case "table":
      return tableChunks(report, opts);
    case "html":
      return [renderHtml(findingsToHtml(report, { title: opts.title ?? "Portcullis report" }))];
  }
}

export function renderReport(report: Report, format: ReportFormat, opts: RenderOptions): string {
  return [...reportChunks(report, format, opts)].join("");
}
