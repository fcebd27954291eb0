/**
 * `scan --format html`: the scan result as the shared HTML report model (src/report/html). A
 * summary (counts per severity, image, digest, OS, packages, database date), one table of the
 * active vulnerabilities and one of the suppressed ones with why. Each row links its id to the
 * advisory on osv.dev and, with --dockerfile, its origin to the Dockerfile line that added the
 * package (a relative link, so the report opened next to the sources jumps to the line).
 */
import { type HtmlCell, type HtmlReport, type HtmlSection, renderHtml } from "../../report/html/index.js";
import { VERSION } from "../../version.js";
import type { ScanFinding, ScanResult } from "../result.js";
import { fixText } from "./findings.js";

/** osv.dev serves every id it knows (CVE, GHSA, distro advisories) under one path. */
function advisoryCell(f: ScanFinding): HtmlCell {
  return { text: f.id, href: `https://osv.dev/vulnerability/${encodeURIComponent(f.id)}` };
}

function originCell(f: ScanFinding): HtmlCell {
  if (f.dockerfile) {
    const d = f.dockerfile;
    return { text: `${d.file}:${d.line} ${d.instruction}`, href: `${d.file}#L${d.line}` };
  }
  if (f.layer) {
    const text = `layer ${f.layer.index + 1}${f.layer.createdBy ? `: ${f.layer.createdBy}` : ""}`;
    return text.length > 90 ? { text: `${text.slice(0, 89)}…`, title: text } : text;
  }
  return "";
}

function row(f: ScanFinding): Record<string, HtmlCell> {
  return {
    severity: { severity: f.severity },
    id: advisoryCell(f),
    aliases: f.aliases.join(", "),
    package: f.package.name,
    installed: f.package.version,
    fixed: fixText(f),
    target: f.package.locations[0]?.path ? `${f.target} (${f.package.locations[0].path})` : f.target,
    origin: originCell(f),
    summary: f.summary ?? "",
    reason: f.suppressed
      ? `${f.suppressed.reason}${f.suppressed.source ? ` (${f.suppressed.source})` : ""}`
      : "",
  };
}

const COLUMNS = [
  { key: "severity", label: "Severity" },
  { key: "id", label: "Vulnerability" },
  { key: "aliases", label: "Aliases" },
  { key: "package", label: "Package" },
  { key: "installed", label: "Installed" },
  { key: "fixed", label: "Fixed in" },
  { key: "target", label: "Target" },
  { key: "origin", label: "Added by" },
  { key: "summary", label: "Summary" },
];

/** "Debian GNU/Linux 12 (bookworm)", "Alpine Linux v3.18 (3.18.3)", "alpine 3.18.3": the version once. */
function osLabel(os: ScanResult["artifact"]["os"]): string {
  if (!os) return "unknown";
  if (!os.name) return `${os.family} ${os.version}`;
  return os.name.includes(os.version) ? os.name : `${os.name} (${os.version})`;
}

/** The HTML report model of one scan. */
export function scanToHtml(r: ScanResult, generatedAt = new Date()): HtmlReport {
  const active = r.vulnerabilities.filter((v) => !v.suppressed);
  const suppressed = r.vulnerabilities.filter((v) => v.suppressed);
  const counts: Record<string, number> = {};
  for (const v of active) counts[v.severity] = (counts[v.severity] ?? 0) + 1;
  const sections: HtmlSection[] = [
    {
      id: "vulnerabilities",
      title: "Vulnerabilities",
      note: r.artifact.digest ? `${r.artifact.reference} (${r.artifact.digest})` : r.artifact.reference,
      columns: COLUMNS,
      rows: active.map(row),
      empty: "No known vulnerabilities at the chosen severities.",
    },
  ];
  if (suppressed.length)
    sections.push({
      id: "suppressed",
      title: "Suppressed",
      columns: [...COLUMNS, { key: "reason", label: "Why" }],
      rows: suppressed.map(row),
    });
  if (r.notes.length)
    sections.push({
      id: "notes",
      title: "Notes",
      columns: [
        { key: "level", label: "Level" },
        { key: "message", label: "Note" },
      ],
      rows: r.notes.map((n) => ({ level: n.level, message: n.message })),
    });
  const os = osLabel(r.artifact.os);
  return {
    title: `Vulnerability scan of ${r.artifact.reference}`,
    subtitle: `portcullis ${VERSION} · scan`,
    generatedAt,
    counts,
    facts: [
      { label: "OS", value: os },
      { label: "packages", value: r.packages },
      { label: "vulnerabilities", value: active.length },
      { label: "suppressed", value: suppressed.length },
      { label: "hidden by --severity", value: r.hiddenBySeverity },
      ...(r.database?.updatedAt ? [{ label: "database updated", value: r.database.updatedAt }] : []),
    ],
    errors: r.errors.map((e) => `${e.path}: ${e.message} (${e.cataloger})`),
    sections,
  };
}

export function renderScanHtml(r: ScanResult): string {
  return renderHtml(scanToHtml(r));
}
