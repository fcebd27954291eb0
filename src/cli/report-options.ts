/**
 * The common report flags (-f, -o, --fail-on, -q, --no-color) and writing a report with them.
 * Every verb that reports findings uses these, so the flags mean the same everywhere.
 */
import { type Command, Option } from "commander";
import { exitCodeFor, isSeverity, type Report, type Severity } from "../report/finding.js";
import { REPORT_FORMATS, type ReportFormat, reportChunks } from "../report/index.js";
import { UsageError } from "./errors.js";
import { writeOutputChunks } from "./files.js";

export interface ReportFlags {
  format?: string;
  output?: string;
  failOn: string;
  quiet?: boolean;
  color?: boolean;
}

export function addReportOptions(cmd: Command, defaults: { failOn: Severity | "none" }): Command {
  return cmd
    .addOption(
      new Option("-f, --format <format>", "report format (default: table on a TTY, json otherwise)").choices([
        ...REPORT_FORMATS,
      ]),
    )
    .option("-o, --output <file>", "write the report to FILE instead of stdout")
    .addOption(
      new Option("--fail-on <severity>", "exit 1 when a finding is at or above this severity")
        .choices(["low", "medium", "high", "critical", "none"])
        .default(defaults.failOn),
    )
    .option("-q, --quiet", "no progress, no summary line")
    .option("--no-color", "plain output (also: NO_COLOR=1)");
}

/** Whether colour is wanted on this stream, honouring --no-color, NO_COLOR and FORCE_COLOR. */
export function useColor(
  flags: { color?: boolean; output?: string },
  stream: NodeJS.WriteStream = process.stdout,
) {
  if (flags.color === false || flags.output) return false;
  if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== "") return false;
  if (process.env.FORCE_COLOR !== undefined && process.env.FORCE_COLOR !== "0") return true;
  return Boolean(stream.isTTY);
}

export function resolveFormat(flags: ReportFlags): ReportFormat {
  if (flags.format) return flags.format as ReportFormat;
  return process.stdout.isTTY && !flags.output ? "table" : "json";
}

/** Render and write the report as it is made (never one string); return the process exit code per the contracts. */
export function emitReport(report: Report, flags: ReportFlags, opts: { title?: string } = {}): number {
  const failOn = flags.failOn ?? "high";
  if (failOn !== "none" && !isSeverity(failOn))
    throw new UsageError(`--fail-on: unknown severity '${failOn}'`);
  const format = resolveFormat(flags);
  const chunks = reportChunks(report, format, {
    color: useColor(flags),
    quiet: flags.quiet ?? false,
    title: opts.title,
  });
  writeOutputChunks(flags.output, chunks);
  if (format !== "table" || flags.output) {
    // Input errors always reach stderr too, so a JSON consumer's log still shows them.
    for (const e of report.errors) {
      process.stderr.write(
        `error: ${e.file}${e.line ? `:${e.line}` : ""}${e.column ? `:${e.column}` : ""}: ${e.message}\n`,
      );
    }
  }
  return exitCodeFor(report, failOn as Severity | "none");
}
