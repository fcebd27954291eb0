/**
 * The scan table: one section per target (OS packages first, then each language's packages with
 * the file that holds them), one row per vulnerability: id, severity, package, installed and
 * fixed versions, and where the package came from (layer / Dockerfile line). Suppressed rows are
 * counted (listed with the reason with `wide`); notes (no data for this release, end-of-life,
 * expired ignores) come last.
 */
import Table from "cli-table3";
import {
  activeFindings,
  countBySeverity,
  type ScanFinding,
  type ScanResult,
  VULN_SEVERITIES,
} from "../result.js";

export interface TableOptions {
  color?: boolean;
  /** Also list suppressed rows with the reason. */
  wide?: boolean;
}

const COLORS: Record<string, string> = {
  critical: "\u001b[31;1m",
  high: "\u001b[31m",
  medium: "\u001b[33m",
  low: "\u001b[36m",
};

function sev(s: string, color: boolean): string {
  const c = color ? COLORS[s] : undefined;
  return c ? `${c}${s.toUpperCase()}\u001b[0m` : s.toUpperCase();
}

function origin(f: ScanFinding): string {
  if (f.dockerfile)
    return `${f.dockerfile.file}:${f.dockerfile.line} ${f.dockerfile.baseImage ? "(base image)" : ""}`.trim();
  if (f.layer) return `layer ${f.layer.index + 1}`;
  return "";
}

function table(rows: ScanFinding[], color: boolean, reason: boolean): string {
  const t = new Table({
    head: ["ID", "SEVERITY", "PACKAGE", "INSTALLED", "FIXED IN", reason ? "WHY SUPPRESSED" : "FROM"],
    style: color ? { compact: true } : { head: [], border: [], compact: true },
    chars: { mid: "", "left-mid": "", "mid-mid": "", "right-mid": "" },
  });
  for (const f of rows) {
    t.push([
      f.id,
      sev(f.severity, color),
      f.package.name,
      f.package.version,
      f.fixedVersions.length
        ? f.fixedVersions.join(", ")
        : f.status === "end-of-life"
          ? "(end-of-life)"
          : "(no fix yet)",
      reason && f.suppressed ? `${f.suppressed.by}: ${f.suppressed.reason}`.slice(0, 60) : origin(f),
    ]);
  }
  return t.toString();
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

export function renderScanTable(r: ScanResult, opts: TableOptions = {}): string {
  const color = opts.color ?? false;
  const out: string[] = [];
  const os = r.artifact.os
    ? (r.artifact.os.name ?? `${r.artifact.os.family} ${r.artifact.os.version}`)
    : "unknown OS";
  const active = activeFindings(r);
  const counts = countBySeverity(active);
  const summary = VULN_SEVERITIES.slice()
    .reverse()
    .filter((s) => counts[s] > 0)
    .map((s) => `${s} ${counts[s]}`)
    .join(", ");
  out.push(
    `${r.artifact.reference}${r.artifact.digest ? `@${r.artifact.digest}` : ""} (${os}): ${plural(r.packages, "package")}, ${plural(active.length, "vulnerability", "vulnerabilities")}${summary ? ` (${summary})` : ""}`,
  );
  const targets = new Map<string, ScanFinding[]>();
  for (const f of active) {
    const list = targets.get(f.target) ?? [];
    list.push(f);
    targets.set(f.target, list);
  }
  for (const [target, rows] of targets) {
    out.push("", target === "os" ? `OS packages (${os})` : target, table(rows, color, false));
  }
  const suppressed = r.vulnerabilities.filter((v) => v.suppressed);
  if (suppressed.length) {
    if (opts.wide) out.push("", `Suppressed (${suppressed.length})`, table(suppressed, color, true));
    else
      out.push(
        "",
        `${suppressed.length} suppressed (ignore file, VEX, --ignore-unfixed); -f json lists them with the reason`,
      );
  }
  if (r.hiddenBySeverity) out.push(`${r.hiddenBySeverity} not shown (--severity)`);
  for (const n of r.notes) out.push(`${n.level}: ${n.message}`);
  return `${out.join("\n")}\n`;
}
