/** Scan output: one renderer per format, all from the same ScanResult (and the catalog for CycloneDX). */
import type { CatalogResult } from "../../catalog/index.js";
import { renderJunit } from "../../report/junit.js";
import { renderSarif } from "../../report/sarif.js";
import type { ScanResult } from "../result.js";
import { renderScanCycloneDx } from "./cyclonedx.js";
import { scanReport } from "./findings.js";
import { renderScanHtml } from "./html.js";
import { renderScanJson } from "./json.js";
import { renderScanTable } from "./table.js";

export { renderScanCycloneDx } from "./cyclonedx.js";
export { fixText, messageOf, originText, scanReport } from "./findings.js";
export { renderScanHtml, scanToHtml } from "./html.js";
export { renderScanJson, rowJson, scanJson } from "./json.js";
export { renderScanTable } from "./table.js";

export const SCAN_FORMATS = ["table", "json", "sarif", "cyclonedx", "junit", "html"] as const;
export type ScanFormat = (typeof SCAN_FORMATS)[number];

export function renderScan(
  result: ScanResult,
  catalog: CatalogResult,
  format: ScanFormat,
  opts: { color?: boolean; wide?: boolean } = {},
): string {
  switch (format) {
    case "json":
      return renderScanJson(result);
    case "table":
      return renderScanTable(result, opts);
    case "sarif":
      return renderSarif(scanReport(result));
    case "junit":
      return renderJunit(scanReport(result));
    case "cyclonedx":
      return renderScanCycloneDx(catalog, result);
    case "html":
      return renderScanHtml(result);
  }
}
