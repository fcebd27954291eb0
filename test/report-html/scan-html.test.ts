/**
 * `scan -f html` in a real browser: the Alpine test image scanned against the shared-vector
 * database; the page's rows and severity badges equal the JSON report's vulnerabilities, each id
 * links to its advisory, sorting by id orders the rows and the text filter narrows them to one
 * package. Also: `check -f html` and `lint dockerfile -f html` write a page whose rows equal their
 * JSON findings (the same adapter as lint k8s, so counts are the check).
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { Browser, Page } from "playwright-core";
import type { Report } from "../../src/report/finding.js";
import { buildSharedDb, sharedFeeds } from "../scan/support.js";
import { artifactDir, chromiumMissing, launchBrowser } from "../support/browser.js";
import { runCli } from "../support/cli.js";
import { registryEnv, SKIP_NO_REGISTRY_ENV } from "../support/registry-env.js";
import { SKIP_NO_SHARED } from "../support/shared.js";

interface ScanJson {
  vulnerabilities: { id: string; severity: string; package: { name: string } }[];
}

const skipScan =
  chromiumMissing() || (!registryEnv ? SKIP_NO_REGISTRY_ENV : !sharedFeeds() ? SKIP_NO_SHARED : false);

describe("scan -f html in headless chromium", { skip: skipScan }, () => {
  const dir = mkdtempSync(join(tmpdir(), "portcullis-scan-html-"));
  const file = join(dir, "scan.html");
  let browser: Browser;
  let page: Page;
  let result: ScanJson;

  before(async () => {
    const db = (await buildSharedDb(dir)) as string;
    const image = `${registryEnv?.plain}/portcullis/alpine:3.18`;
    const env = { env: { PORTCULLIS_DB: db }, timeoutMs: 180_000 };
    const j = await runCli(["scan", image, "-f", "json", "-q"], env);
    assert.equal(j.code, 0, j.stderr);
    result = JSON.parse(j.stdout) as ScanJson;
    assert.ok(result.vulnerabilities.length >= 2, "the Alpine image has known vulnerabilities");
    const h = await runCli(["scan", image, "-f", "html", "-o", file, "-q"], env);
    assert.equal(h.code, 0, h.stderr);
    browser = await launchBrowser();
    page = await browser.newPage();
    await page.goto(`file://${file}`);
  });
  after(async () => {
    await browser?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test("rows and severity badges equal the JSON report's vulnerabilities", async () => {
    assert.equal(await page.locator("#vulnerabilities tbody tr").count(), result.vulnerabilities.length);
    const bySev = new Map<string, number>();
    for (const v of result.vulnerabilities) bySev.set(v.severity, (bySev.get(v.severity) ?? 0) + 1);
    for (const [sev, n] of bySev)
      assert.equal(await page.locator(`#vulnerabilities tbody td[data-sev="${sev}"]`).count(), n, sev);
  });

  test("each vulnerability id links to its advisory", async () => {
    const id = result.vulnerabilities[0]?.id ?? "";
    const href = await page.locator("#vulnerabilities a", { hasText: id }).first().getAttribute("href");
    assert.equal(href, `https://osv.dev/vulnerability/${encodeURIComponent(id)}`);
  });

  test("sorting by id orders the rows; the filter narrows them to one package", async () => {
    await page.locator("#vulnerabilities th", { hasText: "Vulnerability" }).click();
    const ids = await page.locator("#vulnerabilities tbody tr td:nth-child(2)").allTextContents();
    const sorted = [...ids].sort((a, b) =>
      a.localeCompare(b, undefined, { numeric: true, sensitivity: "base" }),
    );
    assert.deepEqual(ids, sorted);
    const pkg = result.vulnerabilities[0]?.package.name ?? "";
    await page.locator("#vulnerabilities input.filter").fill(pkg);
    const shown = await page.locator("#vulnerabilities tbody tr:not(.hidden)").count();
    const expected = result.vulnerabilities.filter((v) => v.package.name.includes(pkg)).length;
    assert.ok(shown >= expected && shown >= 1, `${shown} rows shown for ${pkg}, at least ${expected}`);
    await page.screenshot({ path: join(artifactDir(), "html-report-scan.png"), fullPage: true });
  });
});

describe("check and lint dockerfile write the same HTML report", () => {
  const dir = mkdtempSync(join(tmpdir(), "portcullis-html-verbs-"));
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const [name, args] of [
    ["check", ["check", "examples/", "--policy", "examples/policy.yaml"]],
    ["lint dockerfile", ["lint", "dockerfile", "examples/docker"]],
  ] as const) {
    test(`${name} -f html has one row per active finding of its JSON report, under a CSP`, async () => {
      const j = await runCli([...args, "-f", "json", "--fail-on", "none"]);
      assert.equal(j.code, 0, j.stderr);
      const report = JSON.parse(j.stdout) as Report;
      const file = join(dir, `${name.replace(" ", "-")}.html`);
      const h = await runCli([...args, "-f", "html", "-o", file, "--fail-on", "none"]);
      assert.equal(h.code, 0, h.stderr);
      const html = readFileSync(file, "utf8");
      assert.match(html, /<meta http-equiv="Content-Security-Policy" content="[^"]*default-src 'none'/);
      const findings = html.split('<section id="findings"')[1]?.split("</section>")[0] ?? "";
      const body = findings.split("<tbody>")[1]?.split("</tbody>")[0] ?? "";
      const rows = body.match(/<tr>/g)?.length ?? 0;
      const active = report.findings.filter((f) => !f.suppressed).length;
      assert.ok(active > 0, `${name}: the example has findings`);
      assert.equal(rows, active, `${name}: ${active} active findings`);
    });
  }
});
