/**
 * Scan rows as the shared finding model (src/report), so SARIF and JUnit reuse the existing
 * reporters: rule = vulnerability id, location = the file that holds the package (the package
 * database for OS packages), message = package, versions, fix and origin. Severity `negligible`
 * and `unknown` become `low` (the finding model has four levels).
 */
import {
  buildReport,
  type Finding,
  type Report,
  type RuleMeta,
  type Severity,
} from "../../report/finding.js";
import { VERSION } from "../../version.js";
import type { ScanFinding, ScanResult } from "../result.js";
import type { VulnSeverity } from "../types.js";

export function findingSeverity(s: VulnSeverity): Severity {
  return s === "negligible" || s === "unknown" ? "low" : s;
}

/** "added by FROM alpine:3.18 at Dockerfile:1" / "layer 2 (COPY app/ /app)". */
export function originText(f: ScanFinding): string | undefined {
  if (f.dockerfile)
    return `added by ${f.dockerfile.instruction} at ${f.dockerfile.file}:${f.dockerfile.line}`;
  if (f.layer) return `layer ${f.layer.index + 1}${f.layer.createdBy ? ` (${f.layer.createdBy})` : ""}`;
  return undefined;
}

export function fixText(f: ScanFinding): string {
  if (!f.fixedVersions.length) return f.status === "end-of-life" ? "no fix (end-of-life)" : "no fix yet";
  const advice = f.dockerfile?.baseImage ? ": rebuild on a newer base" : "";
  return `fixed in ${f.fixedVersions.join(", ")}${advice}`;
}

export function messageOf(f: ScanFinding): string {
  const origin = originText(f);
  const aliases = f.aliases.length ? ` (${f.aliases.join(", ")})` : "";
  return `${f.id}${aliases} in ${f.package.name} ${f.package.version}${origin ? `, ${origin}` : ""} — ${fixText(f)}; severity ${f.severity}${f.severitySource ? ` (${f.severitySource})` : ""}`;
}

export function scanReport(r: ScanResult): Report {
  const findings: Finding[] = r.vulnerabilities.map((f) => ({
    rule: f.id,
    severity: findingSeverity(f.severity),
    message: messageOf(f),
    location: {
      file: f.package.locations[0]?.path.replace(/^\//, "") || r.artifact.reference,
      line: 1,
      column: 0,
    },
    image: r.artifact.reference,
    // Names the package in JUnit case names and SARIF properties.
    object: { kind: f.package.type, name: `${f.package.name}@${f.package.version}` },
    ...(f.fixedVersions.length ? { fix: `upgrade ${f.package.name} to ${f.fixedVersions[0]}` } : {}),
    ...(f.suppressed ? { suppressed: { reason: `${f.suppressed.by}: ${f.suppressed.reason}` } } : {}),
  }));
  const rules = new Map<string, RuleMeta>();
  for (const f of r.vulnerabilities) {
    if (rules.has(f.id)) continue;
    rules.set(f.id, {
      id: f.id,
      severity: findingSeverity(f.severity),
      title: f.summary ?? `${f.id} in ${f.package.name}`,
      docs: `${f.id}${f.aliases.length ? ` (also ${f.aliases.join(", ")})` : ""}: ${f.summary ?? "known vulnerability"} (source ${f.source})`,
    });
  }
  return buildReport({
    toolVersion: VERSION,
    findings,
    errors: r.errors.map((e) => ({ file: e.path, message: `${e.cataloger}: ${e.message}` })),
    files: 1,
    objects: r.packages,
    rules: [...rules.values()],
  });
}
