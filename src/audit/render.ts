/**
 * Audit output. `json` is the common report ({ tool, findings, errors, summary }) with an `audit`
 * section (workloads, images, unreadable namespaces, dry run); `table` shows workloads, then
 * images (with their most severe findings), then what could not be read; `sarif` and `junit` are
 * the common reporters' (findings only); `html` is the self-contained report (html.ts).
 * Not for: deciding anything (run.ts does).
 */
import pc from "picocolors";
import { renderHtml } from "../report/html/index.js";
import { type ReportFormat, renderReport } from "../report/index.js";
import { auditToHtml } from "./html.js";
import type { AuditResult, ImageResult } from "./run.js";

/** Audit writes every common report format; `html` is its own richer page (html.ts). */
export type AuditFormat = ReportFormat;

const RANK = { critical: 0, high: 1, medium: 2, low: 3 } as const;
/** Findings shown per image in the table. */
const TOP = 3;

function shortDigest(d: string | undefined): string {
  return d ? `${d.slice(0, 19)}…` : "(not started)";
}

function scanText(i: ImageResult): string {
  if (i.scan.state === "not-scanned") return "not scanned";
  const c = i.counts ?? { critical: 0, high: 0, medium: 0, low: 0 };
  return `scanned ${i.scan.scannedAt.slice(0, 10)}: ${c.critical} critical, ${c.high} high, ${c.medium} medium, ${c.low} low`;
}

export function auditJson(r: AuditResult): Record<string, unknown> {
  const { rules: _rules, ...report } = r.report;
  return {
    ...report,
    audit: {
      workloads: r.workloads,
      images: r.images,
      unreadable: r.unreadable,
      ...(r.dryRun ? { dryRun: r.dryRun } : {}),
    },
  };
}

export function auditTable(r: AuditResult, opts: { color: boolean; quiet: boolean }): string {
  const c = pc.createColors(opts.color);
  const out: string[] = [];
  const denied = r.workloads.filter((w) => !w.allowed).length;
  out.push(c.bold(`Workloads: ${r.workloads.length}, ${denied} the webhook would deny`));
  for (const w of r.workloads) {
    const tag = w.skipped ? c.dim("skipped") : w.allowed ? c.green("allowed") : c.red("DENIED ");
    out.push(`  ${tag} ${w.kind} ${w.namespace}/${w.name}${w.skipped ? c.dim(` (${w.skipped})`) : ""}`);
    for (const v of w.violations) out.push(`      ${v.mode.padEnd(7)} [${v.rule}] ${v.message}`);
  }
  out.push("", c.bold(`Images: ${r.images.length} distinct`));
  for (const i of r.images) {
    out.push(`  ${i.repository}@${shortDigest(i.digest)}  ${scanText(i)}`);
    out.push(c.dim(`      ${i.specImages.join(", ")}; ${i.pods} pod(s): ${i.workloads.join(", ")}`));
    for (const d of i.drift ?? []) out.push(c.yellow(`      drift: ${d.image} now points to ${d.current}`));
    if (i.scan.state === "not-scanned") out.push(c.dim(`      ${i.scan.reason}`));
    else {
      const top = [...i.scan.vulnerabilities]
        .sort((a, b) => RANK[a.severity] - RANK[b.severity])
        .slice(0, TOP);
      for (const v of top)
        out.push(`      ${v.severity.padEnd(8)} ${v.id} in ${v.package}${v.version ? ` ${v.version}` : ""}`);
      const more = i.scan.vulnerabilities.length - top.length;
      if (more > 0) out.push(c.dim(`      … and ${more} more`));
    }
  }
  const vulns = r.report.findings.filter((f) => f.rule === "vulnerability");
  if (vulns.length) {
    out.push("", c.bold(`Vulnerabilities: ${vulns.length}`));
    for (const f of vulns) out.push(`  ${f.severity.padEnd(8)} ${f.image}  ${f.message}`);
  }
  if (r.dryRun) {
    const d = r.dryRun;
    out.push(
      "",
      c.bold(
        `Dry run of ${d.policy}: ${d.newlyDenied.length} newly denied, ${d.newlyAllowed.length} newly allowed`,
      ),
    );
    for (const x of d.newlyDenied) {
      out.push(`  ${c.red("newly denied ")} ${x.workload.kind} ${x.workload.namespace}/${x.workload.name}`);
      for (const reason of x.reasons) out.push(`      ${reason}`);
    }
    for (const x of d.newlyAllowed) {
      out.push(`  ${c.green("newly allowed")} ${x.workload.kind} ${x.workload.namespace}/${x.workload.name}`);
      for (const reason of x.reasons) out.push(`      no longer: ${reason}`);
    }
  }
  if (r.unreadable.length) {
    out.push("", c.bold(c.yellow(`Not readable: ${r.unreadable.length}`)));
    for (const u of r.unreadable)
      out.push(`  ${u.namespace ? `namespace ${u.namespace}` : "cluster"}: ${u.message}`);
  }
  if (!opts.quiet) {
    const s = r.report.summary.findings;
    out.push(
      "",
      `${r.workloads.length} workload(s), ${r.stats.pods} pod(s), ${r.images.length} image(s): ${s.critical} critical, ${s.high} high, ${s.medium} medium, ${s.low} low`,
    );
  }
  return `${out.join("\n")}\n`;
}

export function renderAudit(
  r: AuditResult,
  format: AuditFormat,
  opts: { color: boolean; quiet: boolean; generatedAt?: Date },
): string {
  if (format === "html") return renderHtml(auditToHtml(r, { generatedAt: opts.generatedAt }));
  if (format === "json") return `${JSON.stringify(auditJson(r), null, 2)}\n`;
  if (format === "table") return auditTable(r, opts);
  return renderReport(r.report, format, opts);
}
