/**
 * The HTML report in a real browser: `lint k8s examples/ -f html` opens offline under its
 * CSP (no console errors, no request leaves the page), sorts and filters its table, and its
 * counts equal the JSON report's. A screenshot is left in test-artifacts/.
 */
import assert from "node:assert/strict";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { Browser, Page } from "playwright-core";
import type { Report } from "../../src/report/finding.js";
import { artifactDir, chromiumMissing, launchBrowser } from "../support/browser.js";
import { runCli } from "../support/cli.js";

const skip = chromiumMissing();

describe("HTML report in headless chromium", { skip }, () => {
  let browser: Browser;
  let page: Page;
  let report: Report;
  const requests: string[] = [];
  const consoleErrors: string[] = [];

  before(async () => {
    const r = await runCli(["lint", "k8s", "examples/", "-f", "json", "--fail-on", "none"]);
    assert.equal(r.code, 0, r.stderr);
    report = JSON.parse(r.stdout) as Report;
    assert.ok(report.findings.length >= 5, "the example has findings to show");
    const dir = await mkdtemp(join(tmpdir(), "portcullis-html-"));
    const file = join(dir, "report.html");
    const h = await runCli(["lint", "k8s", "examples/", "-f", "html", "-o", file, "--fail-on", "none"]);
    assert.equal(h.code, 0, h.stderr);
    browser = await launchBrowser();
    page = await browser.newPage();
    page.on("request", (req) => {
      if (!req.url().startsWith("file:")) requests.push(req.url());
    });
    page.on("console", (m) => {
      if (m.type() === "error") consoleErrors.push(m.text());
    });
    page.on("pageerror", (e) => consoleErrors.push(String(e)));
    await page.goto(`file://${file}`);
  });

  after(async () => {
    await browser?.close();
  });

  test("opens without network requests or script errors under its CSP", async () => {
    assert.deepEqual(requests, []);
    assert.deepEqual(consoleErrors, []);
    const csp = await page.locator('meta[http-equiv="Content-Security-Policy"]').getAttribute("content");
    assert.match(csp ?? "", /default-src 'none'/);
  });

  test("table rows and chart counts equal the JSON report's", async () => {
    const active = report.findings.filter((f) => !f.suppressed);
    assert.equal(await page.locator("#findings tbody tr").count(), active.length);
    for (const sev of ["critical", "high", "medium", "low"] as const) {
      const n = report.summary.findings[sev];
      const badges = await page.locator(`#findings tbody td[data-sev="${sev}"]`).count();
      assert.equal(badges, n, `${sev} rows`);
      const bar = page.locator(`svg.chart rect.sev-${sev}`);
      assert.equal(await bar.count(), n > 0 ? 1 : 0, `${sev} bar`);
    }
  });

  test("clicking a header sorts the table, clicking again reverses it", async () => {
    const header = page.locator("#findings th", { hasText: "Rule" });
    await header.click();
    const asc = await page.locator("#findings tbody tr td:nth-child(2)").allTextContents();
    const sorted = [...asc].sort((a, b) =>
      a.localeCompare(b, undefined, { numeric: true, sensitivity: "base" }),
    );
    assert.deepEqual(asc, sorted);
    assert.equal(await header.getAttribute("aria-sort"), "ascending");
    await header.click();
    const desc = await page.locator("#findings tbody tr td:nth-child(2)").allTextContents();
    assert.deepEqual(desc, [...sorted].reverse());
    // Severity sorts by rank, not by name: critical first when descending.
    const sevHeader = page.locator("#findings th", { hasText: "Severity" });
    await sevHeader.click();
    await sevHeader.click();
    const first = await page
      .locator("#findings tbody tr:first-child td:first-child")
      .getAttribute("data-sev");
    const worst = (["critical", "high", "medium", "low"] as const).find(
      (s) => report.summary.findings[s] > 0,
    );
    assert.equal(first, worst);
  });

  test("the severity filter and the text filter hide other rows and update the count", async () => {
    const high = report.findings.filter((f) => !f.suppressed && f.severity === "high").length;
    await page.locator("#findings select.sevfilter").selectOption("high");
    assert.equal(await page.locator("#findings tbody tr:not(.hidden)").count(), high);
    const total = report.findings.filter((f) => !f.suppressed).length;
    assert.equal(await page.locator("#findings .count").textContent(), `${high} / ${total}`);
    await page.locator("#findings select.sevfilter").selectOption("");
    const rule = report.findings[0]?.rule ?? "";
    await page.locator("#findings input.filter").fill(rule);
    const expected = report.findings.filter(
      (f) =>
        !f.suppressed &&
        [f.rule, f.message, f.image ?? "", f.location?.file ?? "", f.object?.name ?? ""].some((t) =>
          t.toLowerCase().includes(rule.toLowerCase()),
        ),
    ).length;
    const shown = await page.locator("#findings tbody tr:not(.hidden)").count();
    assert.ok(shown >= 1 && shown <= expected, `filter on ${rule}: ${shown} shown, at most ${expected}`);
    await page.locator("#findings input.filter").fill("");
    assert.equal(await page.locator("#findings tbody tr:not(.hidden)").count(), total);
    await page.screenshot({ path: join(artifactDir(), "html-report-lint-k8s.png"), fullPage: true });
  });

  test("each finding links to its file and line", async () => {
    const f = report.findings.find((x) => x.location && !x.suppressed);
    assert.ok(f?.location);
    const href = await page
      .locator(`#findings a[href="${f.location.file}#L${f.location.line}"]`)
      .first()
      .getAttribute("href");
    assert.equal(href, `${f.location.file}#L${f.location.line}`);
  });

  test("printing shows every row, even filtered ones", async () => {
    await page.locator("#findings input.filter").fill("no-such-text-anywhere");
    await page.emulateMedia({ media: "print" });
    const visible = await page.locator("#findings tbody tr:visible").count();
    assert.equal(visible, report.findings.filter((f) => !f.suppressed).length);
    await page.emulateMedia({ media: "screen" });
    await page.locator("#findings input.filter").fill("");
  });
});
