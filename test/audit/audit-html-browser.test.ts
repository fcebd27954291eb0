/**
 * `audit -f html` in a real browser (Debian's chromium through playwright-core): the audit of
 * pods running the registry test environment's images opens offline under its CSP, its workload,
 * image and finding tables have the JSON report's rows, the severity filter works, and a
 * finding's image link leads to that image's section with all its vulnerabilities. A screenshot
 * is left in test-artifacts/.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import type { Browser, Page } from "playwright-core";
import { sharedFeeds } from "../scan/support.js";
import { artifactDir, chromiumMissing, launchBrowser } from "../support/browser.js";
import { runCli } from "../support/cli.js";
import { type KubeApiServer, startKubeApiServer } from "../support/kube-api-server.js";
import { registryEnv, SKIP_NO_REGISTRY_ENV } from "../support/registry-env.js";
import { SKIP_NO_SHARED } from "../support/shared.js";
import { buildDb, scanCluster, scanPolicy } from "./scan-fixture.js";

const env = registryEnv;
const skip = chromiumMissing() || (!env ? SKIP_NO_REGISTRY_ENV : !sharedFeeds() ? SKIP_NO_SHARED : false);

interface AuditJson {
  findings: { severity: string; rule: string; image?: string; message: string }[];
  audit: {
    workloads: unknown[];
    images: { digest?: string; scan: { vulnerabilities?: unknown[] } }[];
  };
}

describe("audit HTML report in headless chromium", { skip }, () => {
  const dir = mkdtempSync(join(tmpdir(), "portcullis-audit-html-"));
  let api: KubeApiServer;
  let browser: Browser;
  let page: Page;
  let json: AuditJson;
  const requests: string[] = [];
  const errors: string[] = [];

  before(async () => {
    if (!env) return;
    const db = (await buildDb(dir, "vuln.db")) as string;
    api = await startKubeApiServer({ objects: scanCluster(env) });
    const policy = join(dir, "policy.yaml");
    writeFileSync(policy, scanPolicy(env));
    const args = ["audit", "--kubeconfig", api.kubeconfigFile, "-A", "--policy", policy, "--db", db];
    const opts = { env: { XDG_CACHE_HOME: join(dir, "cache") }, timeoutMs: 300_000 };
    const out = join(dir, "audit.html");
    const h = await runCli([...args, "-f", "html", "-o", out, "--fail-on", "none"], opts);
    assert.equal(h.code, 0, h.stderr);
    const j = await runCli([...args, "-f", "json", "--fail-on", "none"], opts);
    json = JSON.parse(j.stdout) as AuditJson;
    browser = await launchBrowser();
    page = await browser.newPage();
    page.on("request", (req) => {
      if (!req.url().startsWith("file:")) requests.push(req.url());
    });
    page.on("console", (m) => {
      if (m.type() === "error") errors.push(m.text());
    });
    page.on("pageerror", (e) => errors.push(String(e)));
    await page.goto(`file://${out}`);
  });
  after(async () => {
    await browser?.close();
    await api?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test("opens with no network request and no script error", () => {
    assert.deepEqual(requests, []);
    assert.deepEqual(errors, []);
  });

  test("the workload, image and finding tables have the JSON report's rows", async () => {
    assert.equal(await page.locator("#workloads tbody tr").count(), json.audit.workloads.length);
    assert.equal(await page.locator("#images tbody tr").count(), json.audit.images.length);
    assert.equal(await page.locator("#findings tbody tr").count(), json.findings.length);
    const critical = json.findings.filter((f) => f.severity === "critical").length;
    await page.locator("#findings select.sevfilter").selectOption("critical");
    assert.equal(await page.locator("#findings tbody tr:not(.hidden)").count(), critical);
    await page.locator("#findings select.sevfilter").selectOption("");
  });

  test("a finding's image link leads to the image's section with all its vulnerabilities", async () => {
    const link = page
      .locator("#findings tbody tr", { hasText: "CVE-2021-44906" })
      .locator("td:nth-child(5) a");
    const href = await link.getAttribute("href");
    assert.match(href ?? "", /^#image-\d+$/);
    await link.click();
    assert.ok(page.url().endsWith(href as string));
    const n = Number((href as string).slice("#image-".length));
    const image = json.audit.images[n - 1];
    assert.equal(await page.locator(`${href} tbody tr`).count(), image?.scan.vulnerabilities?.length);
    await page.screenshot({ path: join(artifactDir(), "html-report-audit.png"), fullPage: true });
  });
});
