/**
 * Turning a findings report (lint k8s, lint dockerfile, check) into the HTML report model: a
 * summary, one table of active findings and one of suppressed ones. Each finding links to its
 * file:line (a relative link, so the report opened next to the sources jumps to the file).
 * Scan and audit reports have their own adapters beside their verbs' libraries.
 */
import type { Finding, Report } from "../finding.js";
import type { HtmlCell, HtmlReport, HtmlSection } from "./document.js";

export interface HtmlTitle {
  title: string;
  subtitle?: string;
  generatedAt?: Date;
}

function objectText(f: Finding): string {
  if (!f.object) return "";
  const o = f.object;
  return `${o.kind}${o.namespace ? ` ${o.namespace}/` : " "}${o.name ?? ""}`.trim();
}

function locationCell(f: Finding): HtmlCell {
  if (!f.location) return "";
  const text = `${f.location.file}:${f.location.line}:${f.location.column}`;
  if (f.location.file === "<stdin>" || f.location.file === "-") return text;
  return { text, href: `${f.location.file}#L${f.location.line}` };
}

/** A finding's message, with its fix as the hover title when it has one. */
export function messageCell(f: Finding): HtmlCell {
  return f.fix ? { text: f.message, title: `fix: ${f.fix}` } : f.message;
}

function findingRow(f: Finding): Record<string, HtmlCell> {
  return {
    severity: { severity: f.severity },
    rule: f.hadolint ? `${f.rule} (${f.hadolint})` : f.rule,
    message: messageCell(f),
    location: locationCell(f),
    object: objectText(f),
    image: f.image ?? "",
    reason: f.suppressed?.reason ?? "",
  };
}

const COLUMNS = [
  { key: "severity", label: "Severity" },
  { key: "rule", label: "Rule" },
  { key: "message", label: "Message" },
  { key: "location", label: "Location" },
  { key: "object", label: "Object" },
  { key: "image", label: "Image" },
];

export function findingsToHtml(report: Report, title: HtmlTitle): HtmlReport {
  const active = report.findings.filter((f) => !f.suppressed);
  const suppressed = report.findings.filter((f) => f.suppressed);
  const sections: HtmlSection[] = [
    {
      id: "findings",
      title: "Findings",
      columns: COLUMNS,
      rows: active.map(findingRow),
      empty: "No findings.",
    },
  ];
  if (suppressed.length > 0) {
    sections.push({
      id: "suppressed",
      title: "Suppressed findings",
      columns: [...COLUMNS, { key: "reason", label: "Reason" }],
      rows: suppressed.map(findingRow),
    });
  }
  return {
    title: title.title,
    subtitle: title.subtitle ?? `${report.tool.name} ${report.tool.version}`,
    generatedAt: title.generatedAt ?? new Date(),
    counts: { ...report.summary.findings },
    facts: [
      { label: "files", value: report.summary.files },
      { label: "objects", value: report.summary.objects },
      { label: "findings", value: active.length },
      { label: "suppressed", value: suppressed.length },
      { label: "input errors", value: report.errors.length },
    ],
    errors: report.errors.map(
      (e) => `${e.file}${e.line ? `:${e.line}` : ""}${e.column ? `:${e.column}` : ""}: ${e.message}`,
    ),
    sections,
  };
}
