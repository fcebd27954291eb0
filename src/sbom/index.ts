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
  /** Table output: also the licenses and the location (path and layer) of each package. */
  wide?: boolean;
}

function shortLicenses(l: string[]): string {
  const s = l.slice(0, 3).join(", ") + (l.length > 3 ? `, +${l.length - 3}` : "");
  return clip(s, 48);
}

/** Cut a cell to `max` characters with an ellipsis, so the default table fits 100 columns. */
function clip(s: string, max: number): string {
  return s.length > max ? `${s.slice(0, max - 1)}…` : s;
}

/** Default cell widths: NAME 50 + VERSION 30 + TYPE 7 + padding and borders ≤ 100 columns. */
const NAME_MAX = 50;
const VERSION_MAX = 30;

/**
 * The package table. By default NAME, VERSION and TYPE (as Syft shows them), with long names and
 * versions cut so a line fits 100 columns; `wide` adds LICENSES and LOCATION and cuts nothing
 * but the licenses. The heading gives the image, its OS and the count; the digest is on its own
 * line so the heading stays short.
 */
export function renderTable(result: CatalogResult, opts: SbomOptions = {}): string {
  const wide = opts.wide === true;
  const table = new Table({
    head: wide ? ["NAME", "VERSION", "TYPE", "LICENSES", "LOCATION"] : ["NAME", "VERSION", "TYPE"],
    style: opts.color ? { compact: true } : { head: [], border: [], compact: true },
    // No rule between rows: an image has hundreds of packages.
    chars: { mid: "", "left-mid": "", "mid-mid": "", "right-mid": "" },
  });
  for (const p of result.packages) {
    if (!wide) {
      table.push([clip(p.name, NAME_MAX), clip(p.version, VERSION_MAX), p.type]);
      continue;
    }
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
  const digest = result.image.digest ? `digest ${result.image.digest}\n` : "";
  return `${result.image.reference} (${os}): ${result.packages.length} packages\n${digest}${table.toString()}\n`;
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
