/**
 * CycloneDX output of a scan: the image's SBOM (src/sbom, same components and bom-refs = purls)
 * with a `vulnerabilities` list: ids and aliases as references, the rating (CVSS score/vector or
 * the source's severity), the fix as a recommendation, the affected component, and suppressed
 * rows with an `analysis` (VEX state and the reason).
 */
import type { CatalogResult } from "../../catalog/index.js";
import { type CycloneDxVersion, serializeCycloneDx } from "../../sbom/index.js";
import type { ScanFinding, ScanResult } from "../result.js";
import { fixText, originText } from "./findings.js";

function sourceOf(id: string): { name: string; url?: string } {
  if (id.startsWith("CVE-")) return { name: "NVD", url: `https://nvd.nist.gov/vuln/detail/${id}` };
  if (id.startsWith("GHSA-")) return { name: "GitHub", url: `https://github.com/advisories/${id}` };
  return { name: "OSV", url: `https://osv.dev/vulnerability/${id}` };
}

function method(version: string): string {
  if (version.startsWith("4")) return "CVSSv4";
  if (version === "3.1") return "CVSSv31";
  if (version.startsWith("3")) return "CVSSv3";
  if (version.startsWith("2")) return "CVSSv2";
  return "other";
}

function analysis(f: ScanFinding): Record<string, unknown> | undefined {
  if (!f.suppressed) return undefined;
  const state =
    f.suppressed.by === "vex" && /^(fixed|resolved)/.test(f.suppressed.reason) ? "resolved" : "not_affected";
  return {
    state,
    detail: `${f.suppressed.by}: ${f.suppressed.reason}${f.suppressed.source ? ` (${f.suppressed.source})` : ""}`,
  };
}

function vulnerability(f: ScanFinding, i: number): Record<string, unknown> {
  const severity = f.severity === "negligible" ? "info" : f.severity;
  const rating: Record<string, unknown> = { source: { name: f.source }, severity };
  if (f.cvss)
    Object.assign(rating, { score: f.cvss.score, method: method(f.cvss.version), vector: f.cvss.vector });
  const origin = originText(f);
  const a = analysis(f);
  return {
    "bom-ref": `vuln-${i + 1}`,
    id: f.id,
    source: sourceOf(f.id),
    ...(f.aliases.length ? { references: f.aliases.map((id) => ({ id, source: sourceOf(id) })) } : {}),
    ratings: [rating],
    ...(f.summary ? { description: f.summary } : {}),
    recommendation: fixText(f),
    affects: [{ ref: f.package.purl, versions: [{ version: f.package.version, status: "affected" }] }],
    ...(a ? { analysis: a } : {}),
    properties: [
      { name: "portcullis:target", value: f.target },
      ...(origin ? [{ name: "portcullis:origin", value: origin }] : []),
      ...(f.fixedVersions.length
        ? [{ name: "portcullis:fixedVersions", value: f.fixedVersions.join(", ") }]
        : []),
    ],
  };
}

export function renderScanCycloneDx(
  catalog: CatalogResult,
  r: ScanResult,
  version: CycloneDxVersion = "1.6",
): string {
  const bom = JSON.parse(serializeCycloneDx(catalog, version)) as Record<string, unknown>;
  bom.vulnerabilities = r.vulnerabilities.map(vulnerability);
  return `${JSON.stringify(bom, null, 2)}\n`;
}
