/** Report rendering: one function per format, all from the same Report value. */
import type { Report } from "./finding.js";
import { renderJson } from "./json.js";
import { renderJunit } from "./junit.js";
import { renderSarif } from "./sarif.js";
import { renderTable } from "./table.js";

export * from "./finding.js";

export const REPORT_FORMATS = ["table", "json", "sarif", "junit"] as const;
export type ReportFormat = (typeof REPORT_FORMATS)[number];

export interface RenderOptions {
  color: boolean;
  quiet: boolean;
}

export function renderReport(report: Report, format: ReportFormat, opts: RenderOptions): string {
  switch (format) {
    case "json":
      return renderJson(report);
    case "sarif":
      return renderSarif(report);
    case "junit":
      return renderJunit(report);
    case "table":
      return renderTable(report, opts);
  }
}
