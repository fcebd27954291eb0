/**
 * Human-readable report: findings grouped by file, then by object, with line:column, severity,
 * rule (with its hadolint id for Dockerfile rules, e.g. `dockerfile-cd-in-run (DL3003)`) and
 * message; input errors; a summary line. Coloured only when asked (TTY, no NO_COLOR).
 */
import pc from "picocolors";
import type { Finding, Report, Severity } from "./finding.js";
import { SEVERITIES } from "./finding.js";

export function renderTable(report: Report, opts: { color: boolean; quiet: boolean }): string {
  const c = pc.createColors(opts.color);
  const sevColor: Record<Severity, (s: string) => string> = {
    critical: (s) => c.bold(c.magenta(s)),
    high: c.red,
    medium: c.yellow,
    low: c.blue,
  };
  const out: string[] = [];
  const byFile = new Map<string, Finding[]>();
  for (const f of report.findings) {
    const file = f.location?.file ?? "(no file)";
    const list = byFile.get(file) ?? [];
    list.push(f);
    byFile.set(file, list);
  }
  for (const [file, findings] of byFile) {
    out.push(c.bold(c.underline(file)));
    const byObject = new Map<string, Finding[]>();
    for (const f of findings) {
      const key = f.object
        ? `${f.object.kind} ${f.object.namespace ? `${f.object.namespace}/` : ""}${f.object.name ?? "(unnamed)"}`
        : "";
      const list = byObject.get(key) ?? [];
      list.push(f);
      byObject.set(key, list);
    }
    for (const [obj, list] of byObject) {
      const indent = obj ? "    " : "  ";
      if (obj) out.push(`  ${c.cyan(obj)}`);
      const posWidth = Math.max(...list.map((f) => position(f).length));
      for (const f of list) {
        const sev = f.severity.toUpperCase().padEnd(8);
        const where = c.dim(position(f).padEnd(posWidth));
        const ctr = f.container ? c.dim(` [${f.container}]`) : "";
        if (f.suppressed) {
          out.push(
            c.dim(
              `${indent}${position(f).padEnd(posWidth)}  ${"SUPPRESSED".padEnd(8)} ${ruleLabel(f)}  ${f.message}`,
            ) + c.dim(` (${f.suppressed.reason})`),
          );
          continue;
        }
        out.push(
          `${indent}${where}  ${sevColor[f.severity](sev)} ${c.bold(f.rule)}${f.hadolint ? ` (${f.hadolint})` : ""}  ${f.message}${ctr}`,
        );
        if (f.fix) out.push(`${indent}${" ".repeat(posWidth)}  ${c.green(`fix: ${f.fix}`)}`);
      }
    }
    out.push("");
  }
  if (report.errors.length > 0) {
    out.push(c.bold(c.red("Errors")));
    for (const e of report.errors) {
      const where = `${e.file}${e.line ? `:${e.line}` : ""}${e.column ? `:${e.column}` : ""}`;
      out.push(`  ${c.red("error")} ${where}: ${e.message}`);
    }
    out.push("");
  }
  if (!opts.quiet) out.push(summaryLine(report, c));
  return out.length ? `${out.join("\n")}\n` : "";
}

/** The rule id, with the hadolint id a Dockerfile rule corresponds to. */
function ruleLabel(f: Finding): string {
  return f.hadolint ? `${f.rule} (${f.hadolint})` : f.rule;
}

function position(f: Finding): string {
  return f.location ? `${f.location.line}:${f.location.column}` : "-";
}

export function summaryLine(report: Report, c = pc.createColors(false)): string {
  const s = report.summary;
  const total = SEVERITIES.reduce((n, sev) => n + s.findings[sev], 0);
  const parts = [...SEVERITIES]
    .reverse()
    .filter((sev) => s.findings[sev] > 0)
    .map((sev) => `${s.findings[sev]} ${sev}`);
  const files = `${s.files} file${s.files === 1 ? "" : "s"}`;
  const objects = `${s.objects} object${s.objects === 1 ? "" : "s"}`;
  let line = `${files}, ${objects}: ${total === 0 ? c.green("no findings") : `${total} finding${total === 1 ? "" : "s"} (${parts.join(", ")})`}`;
  if (s.suppressed) line += `, ${s.suppressed} suppressed`;
  if (report.errors.length)
    line += `, ${c.red(`${report.errors.length} input error${report.errors.length === 1 ? "" : "s"}`)}`;
  return line;
}
