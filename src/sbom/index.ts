/**
 * SBOM output: `generateSbom(result, format)` renders a catalog result as CycloneDX JSON, SPDX 2.3
 * JSON, Portcullis' own JSON or a table; `readSbomFile` reads CycloneDX/SPDX back.
 */
import Table from "cli-table3";
import type { CatalogResult } from "../catalog/index.js";
import { type CycloneDxVersion, serializeCycloneDx } from "./cyclonedx.js";
import { serializeSpdx } from "./spdx.js";

export { buildCycloneDx, type CycloneDxVersion, serializeCycloneDx } from "./cyclonedx.js";
export { readSbomFile, readSbomText } from "./read.js";
export { buildSpdx, type SpdxDocument, serializeSpdx } from "./spdx.js";

export const SBOM_FORMATS = ["cyclonedx", "spdx", "json", "table"] as const;
export type SbomFormat = (typeof SBOM_FORMATS)[number];

export interface SbomOptions {
  cyclonedxVersion?: CycloneDxVersion;
  /** Table output: draw with colour/borders (TTY). */
  color?: boolean;
}

function shortLicenses(l: string[]): string {
  const s = l.slice(0, 3).join(", ") + (l.length > 3 ? `, +${l.length - 3}` : "");
  return s.length > 48 ? `${s.slice(0, 47)}…` : s;
}

export function renderTable(result: CatalogResult, opts: SbomOptions = {}): string {
  const table = new Table({
    head: ["NAME", "VERSION", "TYPE", "LICENSES", "LOCATION"],
    style: opts.color ? { compact: true } : { head: [], border: [], compact: true },
    // No rule between rows: an image has hundreds of packages.
    chars: { mid: "", "left-mid": "", "mid-mid": "", "right-mid": "" },
  });
  for (const p of result.packages) {
    const loc = p.locations[0];
    table.push([
      p.name,
      p.version,
      p.type,
      shortLicenses(p.licenses),
      loc ? `${loc.path}${loc.layerIndex !== undefined ? ` [layer ${loc.layerIndex + 1}]` : ""}` : "",
    ]);
  }
  const os = result.os
    ? `${result.os.prettyName ?? `${result.os.family} ${result.os.version}`}`
    : "unknown OS";
  return `${result.image.reference}${result.image.digest ? `@${result.image.digest}` : ""} (${os}): ${result.packages.length} packages\n${table.toString()}\n`;
}

export function generateSbom(result: CatalogResult, format: SbomFormat, opts: SbomOptions = {}): string {
  switch (format) {
    case "cyclonedx":
      return serializeCycloneDx(result, opts.cyclonedxVersion ?? "1.6");
    case "spdx":
      return serializeSpdx(result);
    case "json":
      return `${JSON.stringify(result, null, 2)}\n`;
    case "table":
      return renderTable(result, opts);
  }
}
