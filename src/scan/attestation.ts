/**
 * The cosign `vuln` attestation (predicate type https://cosign.sigstore.dev/attestation/vuln/v1):
 * building the predicate from a scan (`scan --attest`), and reading one back for the policy's
 * attestation evidence. The predicate follows cosign's layout (invocation, scanner {uri, version,
 * db, result}, metadata {scanStartedOn, scanFinishedOn}); `scanner.result` is the scan JSON of
 * the contracts, so any reader of that JSON can read the attested result.
 */
import { VERSION } from "../version.js";
import { scanJson } from "./report/json.js";
import type { ScanResult } from "./result.js";
import type { VulnSeverity } from "./types.js";

export const VULN_PREDICATE_TYPE = "https://cosign.sigstore.dev/attestation/vuln/v1";

export function vulnPredicate(r: ScanResult): Record<string, unknown> {
  return {
    invocation: { parameters: null, uri: "", event_id: "", "builder.id": "" },
    scanner: {
      uri: "pkg:npm/portcullis",
      version: VERSION,
      db: {
        uri: r.database?.location.replace(/\/\/[^@/]*@/, "//") ?? "",
        version: r.database?.updatedAt ?? "",
      },
      result: scanJson(r),
    },
    metadata: { scanStartedOn: r.startedAt, scanFinishedOn: r.finishedAt },
  };
}

/** The rows of an attested scan, as the policy needs them. */
export interface AttestedRow {
  id: string;
  aliases: string[];
  packageName: string;
  purl: string;
  severity: VulnSeverity;
  fixed: boolean;
}

export interface AttestedScan {
  finishedOn: Date;
  rows: AttestedRow[];
}

const SEVERITIES = new Set(["critical", "high", "medium", "low", "negligible", "unknown"]);

/** Read a vuln predicate; undefined when it is not one Portcullis can evaluate (with why). */
export function readVulnPredicate(predicate: unknown): AttestedScan | { problem: string } {
  const p = (predicate ?? {}) as Record<string, Record<string, unknown> | undefined>;
  const finished = p.metadata?.scanFinishedOn;
  if (typeof finished !== "string" || Number.isNaN(Date.parse(finished)))
    return { problem: "its vuln attestation has no valid metadata.scanFinishedOn" };
  const result = p.scanner?.result as Record<string, unknown> | undefined;
  if (!result || !Array.isArray(result.vulnerabilities))
    return {
      problem:
        "its vuln attestation's scanner.result is not a Portcullis scan result (no vulnerabilities list)",
    };
  const rows: AttestedRow[] = [];
  for (const v of result.vulnerabilities as Record<string, unknown>[]) {
    const pkg = (v.package ?? {}) as Record<string, unknown>;
    const sev = String(v.severity ?? "unknown").toLowerCase();
    rows.push({
      id: String(v.id ?? ""),
      aliases: Array.isArray(v.aliases) ? v.aliases.map(String) : [],
      packageName: String(pkg.name ?? ""),
      purl: String(pkg.purl ?? ""),
      severity: (SEVERITIES.has(sev) ? sev : "unknown") as VulnSeverity,
      fixed: typeof v.fixedVersion === "string" && v.fixedVersion !== "",
    });
  }
  return { finishedOn: new Date(finished), rows };
}
