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

export function renderJunit(report: Report): string {
  const groups = new Map<string, { findings: Finding[]; errors: Report["errors"] }>();
  const group = (file: string) => {
    let g = groups.get(file);
    if (!g) groups.set(file, (g = { findings: [], errors: [] }));
    return g;
  };
  for (const f of report.findings) group(f.location?.file ?? "(no file)").findings.push(f);
  for (const e of report.errors) group(e.file).errors.push(e);

  const suites: string[] = [];
  let total = 0;
  let failures = 0;
  let errors = 0;
  for (const [file, g] of groups) {
    const cases: string[] = [];
    let suiteFailures = 0;
    let suiteSkipped = 0;
    for (const f of g.findings) {
      const head = `    <testcase classname="${escapeXml(file)}" name="${escapeXml(caseName(f))}">`;
      if (f.suppressed) {
        suiteSkipped++;
        cases.push(
          `${head}\n      <skipped message="${escapeXml(`suppressed: ${f.suppressed.reason}`)}"/>\n    </testcase>`,
        );
      } else {
        suiteFailures++;
        const body = [f.message, f.fix ? `fix: ${f.fix}` : "", f.image ? `image: ${f.image}` : ""]
          .filter(Boolean)
          .join("\n");
        cases.push(
          `${head}\n      <failure message="${escapeXml(f.message)}" type="${escapeXml(f.severity)}">${escapeXml(body)}</failure>\n    </testcase>`,
        );
      }
    }
    for (const e of g.errors) {
      const where = e.line ? `:${e.line}${e.column ? `:${e.column}` : ""}` : "";
      cases.push(
        `    <testcase classname="${escapeXml(file)}" name="${escapeXml(`input${where}`)}">\n      <error message="${escapeXml(e.message)}" type="input-error"/>\n    </testcase>`,
      );
    }
    total += cases.length;
    failures += suiteFailures;
    errors += g.errors.length;
    suites.push(
      `  <testsuite name="${escapeXml(file)}" tests="${cases.length}" failures="${suiteFailures}" errors="${g.errors.length}" skipped="${suiteSkipped}">\n${cases.join("\n")}\n  </testsuite>`,
    );
  }
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="portcullis" tests="${total}" failures="${failures}" errors="${errors}">`,
    ...suites,
    "</testsuites>",
    "",
  ].join("\n");
}
