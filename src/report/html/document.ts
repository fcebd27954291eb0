/**
 * The HTML report: one self-contained file (inline style and script allowed only by their hashes
 * in a Content-Security-Policy that forbids every network fetch), a summary with a severity bar
 * chart drawn as inline SVG, and one sortable, filterable table per section. Rows are rendered on
 * the server side, so the report reads (and prints) without script; the script only sorts and
 * filters. Not for: deciding what goes in a report (the adapters in ./adapters.ts do that).
 */
import { createHash } from "node:crypto";
import { SCRIPT } from "./script.js";
import { STYLE } from "./style.js";

/** Severities the charts and badges know, most severe first. */
export const HTML_SEVERITIES = [
  "critical",
  "high",
  "medium",
  "low",
  "negligible",
  "unknown",
  "info",
] as const;
export type HtmlSeverity = (typeof HTML_SEVERITIES)[number];

/** A table cell: plain text, a number (sorted numerically), a severity badge, or a link. */
export type HtmlCell =
  | string
  | number
  | { severity: HtmlSeverity }
  | { text: string; href: string }
  | { text: string; title: string };

export interface HtmlColumn {
  key: string;
  label: string;
}

export interface HtmlSection {
  /** Anchor id (letters, digits, dashes). */
  id: string;
  title: string;
  /** One line under the title (e.g. the image or file the rows belong to). */
  note?: string;
  columns: HtmlColumn[];
  rows: Record<string, HtmlCell>[];
  /** Shown instead of an empty table. */
  empty?: string;
}

export interface HtmlReport {
  title: string;
  /** e.g. "portcullis 0.1.0 · lint k8s examples/". */
  subtitle?: string;
  generatedAt: Date;
  /** Counts per severity for the chart (only the severities present are drawn). */
  counts: Partial<Record<HtmlSeverity, number>>;
  /** Small facts shown next to the chart: files, objects, images… */
  facts: { label: string; value: string | number }[];
  /** Problems with inputs (unreadable files, unreachable registries). */
  errors?: string[];
  sections: HtmlSection[];
}

const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&#39;",
};

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ESCAPES[c] as string);
}

/** Only relative paths and http(s) links become hrefs; anything else (javascript:, data:) is text. */
export function safeHref(href: string): string | undefined {
  if (/^https?:\/\//i.test(href)) return href;
  if (/^#[A-Za-z0-9_-]+$/.test(href)) return href;
  if (/^[a-z][a-z0-9+.-]*:/i.test(href)) return undefined;
  return href;
}

function cspHash(text: string): string {
  return `'sha256-${createHash("sha256").update(text, "utf8").digest("base64")}'`;
}

function severityRankOf(s: HtmlSeverity): number {
  return HTML_SEVERITIES.length - HTML_SEVERITIES.indexOf(s);
}

function renderCell(cell: HtmlCell | undefined): string {
  if (cell === undefined) return `<td data-v=""></td>`;
  if (typeof cell === "number") return `<td class="num" data-v="${cell}">${cell}</td>`;
  if (typeof cell === "string") return `<td data-v="${escapeHtml(cell)}">${escapeHtml(cell)}</td>`;
  if ("severity" in cell) {
    const s = cell.severity;
    return `<td data-v="${severityRankOf(s)}" data-sev="${s}"><span class="sev sev-${s}">${s}</span></td>`;
  }
  if ("href" in cell) {
    const href = safeHref(cell.href);
    const text = escapeHtml(cell.text);
    return href
      ? `<td data-v="${text}"><a href="${escapeHtml(href)}">${text}</a></td>`
      : `<td data-v="${text}">${text}</td>`;
  }
  return `<td data-v="${escapeHtml(cell.text)}" title="${escapeHtml(cell.title)}">${escapeHtml(cell.text)}</td>`;
}

function renderChart(counts: HtmlReport["counts"]): string {
  const present = HTML_SEVERITIES.filter((s) => (counts[s] ?? 0) > 0);
  if (present.length === 0) return `<p class="none">No findings.</p>`;
  const max = Math.max(...present.map((s) => counts[s] ?? 0));
  const rowH = 26;
  const bars = present
    .map((s, i) => {
      const n = counts[s] ?? 0;
      const w = Math.max(2, Math.round((n / max) * 300));
      const y = i * rowH;
      return (
        `<text x="0" y="${y + 17}" class="lbl">${s}</text>` +
        `<rect x="90" y="${y + 4}" width="${w}" height="18" class="bar sev-${s}"/>` +
        `<text x="${96 + w}" y="${y + 17}" class="cnt">${n}</text>`
      );
    })
    .join("");
  const h = present.length * rowH;
  return `<svg class="chart" role="img" aria-label="findings by severity" width="460" height="${h}" viewBox="0 0 460 ${h}">${bars}</svg>`;
}

function renderSection(section: HtmlSection): string {
  const head = section.columns
    .map(
      (c, i) =>
        `<th scope="col" data-col="${i}" tabindex="0" aria-sort="none">${escapeHtml(c.label)}<span class="arrow"></span></th>`,
    )
    .join("");
  const body = section.rows
    .map((r) => `<tr>${section.columns.map((c) => renderCell(r[c.key])).join("")}</tr>`)
    .join("\n");
  const sevs = HTML_SEVERITIES.filter((s) =>
    section.rows.some((r) => Object.values(r).some((c) => isSev(c, s))),
  );
  const options = [
    '<option value="">all severities</option>',
    ...sevs.map((s) => `<option>${s}</option>`),
  ].join("");
  const note = section.note ? `<p class="note">${escapeHtml(section.note)}</p>` : "";
  if (section.rows.length === 0) {
    return `<section id="${escapeHtml(section.id)}"><h2>${escapeHtml(section.title)}</h2>${note}<p class="none">${escapeHtml(section.empty ?? "Nothing to report.")}</p></section>`;
  }
  return `<section id="${escapeHtml(section.id)}" class="tbl">
<h2>${escapeHtml(section.title)} <span class="count" data-total="${section.rows.length}">${section.rows.length}</span></h2>${note}
<div class="controls"><label>Filter <input type="search" class="filter" placeholder="text in any column"></label>
<label>Severity <select class="sevfilter">${options}</select></label></div>
<table><thead><tr>${head}</tr></thead><tbody>
${body}
</tbody></table></section>`;
}

function isSev(c: HtmlCell | undefined, s: HtmlSeverity): boolean {
  return typeof c === "object" && c !== null && "severity" in c && c.severity === s;
}

/** Render the whole report as one HTML document (a string; reports are bounded by findings). */
export function renderHtml(report: HtmlReport): string {
  const csp = [
    "default-src 'none'",
    `style-src ${cspHash(STYLE)}`,
    `script-src ${cspHash(SCRIPT)}`,
    "img-src data:",
    "base-uri 'none'",
    "form-action 'none'",
  ].join("; ");
  const facts = report.facts
    .map((f) => `<div><dt>${escapeHtml(f.label)}</dt><dd>${escapeHtml(String(f.value))}</dd></div>`)
    .join("");
  const errors =
    report.errors && report.errors.length > 0
      ? `<section id="errors"><h2>Inputs with problems <span class="count">${report.errors.length}</span></h2><ul class="errors">${report.errors
          .map((e) => `<li>${escapeHtml(e)}</li>`)
          .join("")}</ul></section>`
      : "";
  const toc = report.sections
    .map((s) => `<li><a href="#${escapeHtml(s.id)}">${escapeHtml(s.title)}</a> (${s.rows.length})</li>`)
    .join("");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${escapeHtml(report.title)}</title>
<style>${STYLE}</style></head>
<body>
<header><h1>${escapeHtml(report.title)}</h1>
<p class="sub">${report.subtitle ? `${escapeHtml(report.subtitle)} · ` : ""}generated ${escapeHtml(report.generatedAt.toISOString())}</p></header>
<main>
<section id="summary" class="summary"><h2>Summary</h2><div class="sumgrid">${renderChart(report.counts)}<dl>${facts}</dl></div>
${toc ? `<nav><ul>${toc}</ul></nav>` : ""}</section>
${errors}
${report.sections.map(renderSection).join("\n")}
</main>
<script>${SCRIPT}</script>
</body></html>
`;
}
