/**
 * JUnit XML: one test suite per file, one failing test case per unsuppressed finding, skipped
 * cases for suppressed ones and an error case per unreadable input, so CI dashboards show them.
 */
import type { Finding, Report } from "./finding.js";

export function escapeXml(s: string): string {
  return s
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/g, "")
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;");
}

function caseName(f: Finding): string {
  const where = f.location ? `${f.location.line}:${f.location.column}` : "";
  const obj = f.object ? ` ${f.object.kind}/${f.object.name ?? ""}` : "";
  const ctr = f.container ? ` container ${f.container}` : "";
  return `${f.rule}${obj}${ctr}${where ? ` @${where}` : ""}`;
}

/** JUnit XML in pieces: one piece per test case, so no single string holds the whole report. */
export function* junitChunks(report: Report): Generator<string> {
  const groups = new Map<string, { findings: Finding[]; errors: Report["errors"] }>();
  const group = (file: string) => {
    let g = groups.get(file);
    if (!g) groups.set(file, (g = { findings: [], errors: [] }));
    return g;
  };
  for (const f of report.findings) group(f.location?.file ?? "(no file)").findings.push(f);
  for (const e of report.errors) group(e.file).errors.push(e);

  let total = 0;
  let failures = 0;
  for (const g of groups.values()) {
    total += g.findings.length + g.errors.length;
    failures += g.findings.filter((f) => !f.suppressed).length;
  }
  yield '<?xml version="1.0" encoding="UTF-8"?>\n';
  yield `<testsuites name="portcullis" tests="${total}" failures="${failures}" errors="${report.errors.length}">\n`;
  for (const [file, g] of groups) {
    const suiteSkipped = g.findings.filter((f) => f.suppressed).length;
    const suiteFailures = g.findings.length - suiteSkipped;
    const tests = g.findings.length + g.errors.length;
    yield `  <testsuite name="${escapeXml(file)}" tests="${tests}" failures="${suiteFailures}" errors="${g.errors.length}" skipped="${suiteSkipped}">\n`;
    for (const f of g.findings) {
      const head = `    <testcase classname="${escapeXml(file)}" name="${escapeXml(caseName(f))}">`;
      if (f.suppressed) {
        yield `${head}\n      <skipped message="${escapeXml(`suppressed: ${f.suppressed.reason}`)}"/>\n    </testcase>\n`;
      } else {
        const body = [f.message, f.fix ? `fix: ${f.fix}` : "", f.image ? `image: ${f.image}` : ""]
          .filter(Boolean)
          .join("\n");
        yield `${head}\n      <failure message="${escapeXml(f.message)}" type="${escapeXml(f.severity)}">${escapeXml(body)}</failure>\n    </testcase>\n`;
      }
    }
    for (const e of g.errors) {
      const where = e.line ? `:${e.line}${e.column ? `:${e.column}` : ""}` : "";
      yield `    <testcase classname="${escapeXml(file)}" name="${escapeXml(`input${where}`)}">\n      <error message="${escapeXml(e.message)}" type="input-error"/>\n    </testcase>\n`;
    }
    yield "  </testsuite>\n";
  }
  yield "</testsuites>\n";
}

export function renderJunit(report: Report): string {
  return [...junitChunks(report)].join("");
}
