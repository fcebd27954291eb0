/**
 * Scan JSON, the contracts' "Scan results" shape: `artifact`, `packages` (count),
 * `vulnerabilities` (the active rows: id, aliases, package, fixedVersion?, severity, cvss?,
 * source), plus Portcullis' additions on each row (fixedVersions, severitySource, target, layer,
 * dockerfile, status) and at the top (`suppressed` rows with why, `notes`, `database`).
 */
import { VERSION } from "../../version.js";
import type { ScanFinding, ScanResult } from "../result.js";

export function rowJson(f: ScanFinding): Record<string, unknown> {
  return {
    id: f.id,
    aliases: f.aliases,
    package: {
      name: f.package.name,
      version: f.package.version,
      type: f.package.type,
      purl: f.package.purl,
      ...(f.package.source ? { source: f.package.source } : {}),
    },
    ...(f.fixedVersions.length ? { fixedVersion: f.fixedVersions[0] } : {}),
    fixedVersions: f.fixedVersions,
    severity: f.severity,
    ...(f.severitySource ? { severitySource: f.severitySource } : {}),
    ...(f.cvss ? { cvss: f.cvss } : {}),
    source: f.source,
    ...(f.status ? { status: f.status } : {}),
    ...(f.summary ? { summary: f.summary } : {}),
    target: f.target,
    ...(f.package.locations[0] ? { path: f.package.locations[0].path } : {}),
    ...(f.layer ? { layer: f.layer } : {}),
    ...(f.dockerfile ? { dockerfile: f.dockerfile } : {}),
    ...(f.suppressed ? { suppressed: f.suppressed } : {}),
  };
}

export function scanJson(r: ScanResult): Record<string, unknown> {
  return {
    tool: { name: "portcullis", version: VERSION },
    artifact: r.artifact,
    packages: r.packages,
    vulnerabilities: r.vulnerabilities.filter((v) => !v.suppressed).map(rowJson),
    suppressed: r.vulnerabilities.filter((v) => v.suppressed).map(rowJson),
    hiddenBySeverity: r.hiddenBySeverity,
    notes: r.notes,
    errors: r.errors,
    ...(r.database ? { database: r.database } : {}),
    startedAt: r.startedAt,
    finishedAt: r.finishedAt,
  };
}

export function renderScanJson(r: ScanResult): string {
  return `${JSON.stringify(scanJson(r), null, 2)}\n`;
}
