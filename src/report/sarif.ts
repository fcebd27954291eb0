/**
 * SARIF 2.1.0 output: one rule entry per rule id (with its docs), one result per finding with
 * a physical location, suppressed findings carried as SARIF suppressions, and input errors as
 * tool execution notifications. GitHub code scanning reads `security-severity`.
 */
import { VERSION } from "../version.js";
import type { Finding, Report, RuleMeta, Severity } from "./finding.js";
import { jsonChunks, LazyArray } from "./json-stream.js";

const LEVEL: Record<Severity, "error" | "warning" | "note"> = {
  critical: "error",
  high: "error",
  medium: "warning",
  low: "note",
};

const SECURITY_SEVERITY: Record<Severity, string> = {
  critical: "9.5",
  high: "8.0",
  medium: "5.5",
  low: "2.0",
};

function toUri(file: string): string {
  if (file === "-" || file === "<stdin>") return "stdin";
  return file
    .replace(/\\/g, "/")
    .split("/")
    .map((seg) => encodeURIComponent(seg))
    .join("/");
}

function rulesOf(report: Report): RuleMeta[] {
  const byId = new Map<string, RuleMeta>();
  for (const r of report.rules ?? []) byId.set(r.id, r);
  for (const f of report.findings) {
    if (!byId.has(f.rule)) {
      byId.set(f.rule, {
        id: f.rule,
        severity: f.severity,
        title: f.rule,
        docs: f.rule,
        hadolint: f.hadolint,
      });
    }
  }
  return [...byId.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

function result(f: Finding, ruleIndex: number) {
  const out: Record<string, unknown> = {
    ruleId: f.rule,
    ruleIndex,
    level: LEVEL[f.severity],
    message: { text: f.fix ? `${f.message} (fix: ${f.fix})` : f.message },
  };
  if (f.location) {
    const region: Record<string, number> = { startLine: Math.max(1, f.location.line) };
    if (f.location.column > 0) region.startColumn = f.location.column;
    if (f.location.endLine) region.endLine = f.location.endLine;
    if (f.location.endColumn) region.endColumn = f.location.endColumn;
    out.locations = [{ physicalLocation: { artifactLocation: { uri: toUri(f.location.file) }, region } }];
  }
  const props: Record<string, unknown> = { severity: f.severity };
  if (f.object) props.object = f.object;
  if (f.container) props.container = f.container;
  if (f.image) props.image = f.image;
  if (f.hadolint) props.hadolint = f.hadolint;
  out.properties = props;
  if (f.suppressed) out.suppressions = [{ kind: "external", justification: f.suppressed.reason }];
  return out;
}

/** The SARIF log in pieces: results are built one at a time while they are written. */
export function* sarifChunks(report: Report): Generator<string> {
  const rules = rulesOf(report);
  const index = new Map(rules.map((r, i) => [r.id, i]));
  const sarif = {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "portcullis",
            version: report.tool.version || VERSION,
            informationUri: "https://github.com/portcullis-dev/portcullis",
            rules: rules.map((r) => ({
              id: r.id,
              name: r.id.replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) =>
                c ? c.toUpperCase() : "",
              ),
              shortDescription: { text: r.title },
              fullDescription: { text: r.docs },
              help: { text: r.docs },
              defaultConfiguration: { level: LEVEL[r.severity] },
              properties: {
                "security-severity": SECURITY_SEVERITY[r.severity],
                tags: ["security"],
                ...(r.hadolint ? { hadolint: r.hadolint } : {}),
              },
            })),
          },
        },
        results: new LazyArray(function* () {
          for (const f of report.findings) yield result(f, index.get(f.rule) ?? 0);
        }),
        invocations: [
          {
            executionSuccessful: report.errors.length === 0,
            toolExecutionNotifications: report.errors.map((e) => ({
              level: "error",
              message: { text: e.message },
              locations: [
                {
                  physicalLocation: {
                    artifactLocation: { uri: toUri(e.file) },
                    ...(e.line
                      ? { region: { startLine: e.line, ...(e.column ? { startColumn: e.column } : {}) } }
                      : {}),
                  },
                },
              ],
            })),
          },
        ],
      },
    ],
  };
  yield* jsonChunks(sarif, "", 5);
  yield "\n";
}

export function renderSarif(report: Report): string {
  return [...sarifChunks(report)].join("");
}
