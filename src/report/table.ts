/**
 * Human-readable report: findings grouped by file, then by object, with line:column, severity,
 * rule (and hadolint id) and message wrapped at 100 columns; input errors; a summary line.
 * Coloured only when asked (TTY, no NO_COLOR). Produced one object group at a time.
 */
import pc from "picocolors";
import type { Finding, Report, Severity } from "./finding.js";
import { SEVERITIES } from "./finding.js";

export function renderTable(report: Report, opts: { color: boolean; quiet: boolean }): string {
  return [...tableChunks(report, opts)].join("");
}

/** Each line ends with a newline; the pieces are the lines of one object group (and so on). */
function take(lines: string[]): string {
  const text = lines.length ? `${lines.join("\n")}\n` : "";
  lines.length = 0;
  return text;
}

/** The table in pieces (one per object group), so a large report is never one string. */
export function* tableChunks(report: Report, opts: { color: boolean; quiet: boolean }): Generator<string> {
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
        if (f.suppressed) {
          out.push(
            c.dim(
              `${indent}${position(f).padEnd(posWidth)}  ${"SUPPRESSED".padEnd(8)} ${ruleLabel(f)}  ${f.message}`,
            ) + c.dim(` (${f.suppressed.reason})`),
          );
          continue;
        }
        // Dockerfile findings carry their hadolint id, so both names can be searched for.
        const rule = f.hadolint ? `${f.rule} (${f.hadolint})` : f.rule;
        const head = `${indent}${position(f).padEnd(posWidth)}  ${sev} ${rule}  `;
        // Continuation lines start under the rule id.
        const under = " ".repeat(indent.length + posWidth + 2 + sev.length + 1);
        const text = `${f.message}${f.container ? ` [${f.container}]` : ""}`;
        const [firstLine, ...more] = wrapText(text, head.length, under.length);
        out.push(
          `${indent}${where}  ${sevColor[f.severity](sev)} ${c.bold(rule)}${firstLine ? `  ${firstLine}` : ""}`,
        );
        for (const line of more) out.push(`${under}${line}`);
        if (f.fix) {
          const fixIndent = `${indent}${" ".repeat(posWidth)}  `;
          const lines = wrapText(`fix: ${f.fix}`, fixIndent.length, fixIndent.length + 5);
          lines.forEach((line, i) => {
            out.push(`${fixIndent}${i > 0 ? "     " : ""}${c.green(line)}`);
          });
        }
      }
      yield take(out);
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
  yield take(out);
}

/** Lines fit this many columns where the words allow (an 80-column terminal wraps little). */
const WIDTH = 100;
/** A first line with less room than this starts the text on the next line instead. */
const MIN_FIRST = 24;

/**
 * Word-wrap `text` whose first line starts at column `first` and whose other lines start at
 * column `rest`, so every line fits WIDTH columns unless a single word is longer. The first line
 * is "" when it has too little room (the text then starts on the next line).
 */
export function wrapText(text: string, first: number, rest: number): string[] {
  const lines: string[] = [];
  let room = WIDTH - first;
  let line = "";
  if (room < MIN_FIRST) {
    lines.push("");
    room = WIDTH - rest;
  }
  for (const word of text.split(" ")) {
    if (line !== "" && line.length + 1 + word.length > room) {
      lines.push(line);
      line = word;
      room = WIDTH - rest;
    } else line = line === "" ? word : `${line} ${word}`;
  }
  lines.push(line);
  return lines;
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
