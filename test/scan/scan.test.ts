/**
 * `portcullis scan` end to end: the three test images of setup-registry-env.sh on the local
 * registry, against a database imported from the shared vectors. Hand-checked rows:
 * - Debian bookworm (derived tracker file): apt CVE-2011-3374 (open, urgency unimportant →
 *   negligible), coreutils CVE-2016-2781 (open, low) reported per binary package with no fix and
 *   hidden by --ignore-unfixed; xz-utils CVE-2024-3094 has fixed_version "0" and must not match.
 * - Alpine 3.18 (secdb): busybox 1.36.1-r2 < 1.36.1-r7 → CVE-2023-42363 fixed in 1.36.1-r7;
 *   CVE-2022-48174 (fixed 1.36.1-r1) must not match; libcrypto3 3.1.2-r0 (origin openssl)
 *   < 3.1.4-r1 → CVE-2023-5678; CVE-2023-3817 (fixed 3.1.2-r0, the installed version) must not.
 * - app:1.0: lodash 4.17.15 < 4.17.21 → GHSA-35jh-r3h4-6jhm (alias CVE-2021-23337), minimist
 *   1.2.5 < 1.2.6 → GHSA-xvch-5gv4-984h; layer and created_by of each; with --dockerfile the
 *   line that added it (base-image packages → the FROM line).
 * Plus every format (SARIF and CycloneDX against their schemas), the ignore file with expiry,
 * VEX, --severity vs --fail-on, a missing database (exit 3) and sbom: input.
 */
import assert from "node:assert/strict";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { Spec, Validation } from "@cyclonedx/cyclonedx-library";
import Ajv4 from "ajv-draft-04";
import addFormats from "ajv-formats";
import { runCli } from "../support/cli.js";
import { registryEnv, SKIP_NO_REGISTRY_ENV } from "../support/registry-env.js";
import { repoRoot, SKIP_NO_SHARED } from "../support/shared.js";
import { buildSharedDb, sharedFeeds } from "./support.js";

const env = registryEnv;
const skip = !env ? SKIP_NO_REGISTRY_ENV : !sharedFeeds() ? SKIP_NO_SHARED : false;

interface Row {
  id: string;
  aliases: string[];
  package: { name: string; version: string; type: string; purl: string };
  fixedVersion?: string;
  fixedVersions: string[];
  severity: string;
  source: string;
  target: string;
  layer?: { index: number; createdBy?: string };
  dockerfile?: { file: string; line: number; instruction: string; baseImage: boolean };
  suppressed?: { by: string; reason: string };
}
interface ScanJson {
  artifact: { reference: string; digest?: string; os?: { family: string; version: string } };
  packages: number;
  vulnerabilities: Row[];
  suppressed: Row[];
  notes: { level: string; message: string }[];
}

describe("portcullis scan on the test images", { skip }, () => {
  const dir = mkdtempSync(join(tmpdir(), "portcullis-scan-"));
  let db = "";
  const img = (name: string) => `${env?.plain}/portcullis/${name}`;
  const scan = (args: string[], extra: Record<string, string> = {}) =>
    runCli(["scan", ...args], { env: { PORTCULLIS_DB: db, ...extra }, timeoutMs: 180_000 });
  const json = (stdout: string) => JSON.parse(stdout) as ScanJson;
  const rows = (r: ScanJson, id: string) =>
    r.vulnerabilities.filter((v) => v.id === id || v.aliases.includes(id));
  const debianSbom = join(dir, "debian.cdx.json");
  /** An OpenVEX document: libapt-pkg6.0 is not affected by CVE-2011-3374. */
  const writeVex = () => {
    const vex = join(dir, "debian.openvex.json");
    writeFileSync(
      vex,
      JSON.stringify({
        "@context": "https://openvex.dev/ns/v0.2.0",
        "@id": "https://example.com/vex/1",
        statements: [
          {
            vulnerability: { name: "CVE-2011-3374" },
            products: [{ "@id": "pkg:deb/debian/libapt-pkg6.0" }],
            status: "not_affected",
            justification: "vulnerable_code_not_in_execute_path",
          },
        ],
      }),
    );
    return vex;
  };

  let debian: ScanJson;

  before(async () => {
    db = (await buildSharedDb(dir)) as string;
    const r = await scan([img("debian:bookworm"), "-f", "cyclonedx", "-o", debianSbom, "-q"]);
    assert.equal(r.code, 0, r.stderr);
    const j = await scan([`sbom:${debianSbom}`, "-f", "json"]);
    assert.equal(j.code, 0, j.stderr);
    debian = json(j.stdout);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test("Debian: open tracker entries are reported per binary package, with no fix and the urgency as severity", () => {
    assert.equal(debian.artifact.os?.family, "debian");
    const apt = rows(debian, "CVE-2011-3374");
    assert.deepEqual(apt.map((r) => r.package.name).sort(), ["apt", "libapt-pkg6.0"]);
    for (const r of apt) {
      assert.equal(r.package.version, "2.6.1");
      assert.equal(r.fixedVersion, undefined);
      assert.deepEqual(r.fixedVersions, []);
      assert.equal(r.severity, "negligible");
      assert.equal(r.source, "debian-tracker");
      assert.equal(r.target, "os");
    }
    const coreutils = rows(debian, "CVE-2016-2781");
    assert.deepEqual(
      coreutils.map((r) => [r.package.name, r.package.version, r.severity]),
      [["coreutils", "9.1-1", "low"]],
    );
  });

  test('Debian: a fixed_version "0" entry (xz-utils CVE-2024-3094) does not match', () => {
    assert.deepEqual(rows(debian, "CVE-2024-3094"), []);
  });

  test("--ignore-unfixed hides the unfixed Debian rows (kept as suppressed, with the reason)", async () => {
    const r = await scan([`sbom:${debianSbom}`, "-f", "json", "--ignore-unfixed"]);
    assert.equal(r.code, 0, r.stderr);
    const j = json(r.stdout);
    assert.deepEqual(rows(j, "CVE-2016-2781"), []);
    const s = j.suppressed.find((v) => v.id === "CVE-2016-2781");
    assert.equal(s?.suppressed?.by, "ignore-unfixed");
  });

  test("--severity chooses what is shown, --fail-on what fails (default: nothing fails)", async () => {
    const low = await scan([`sbom:${debianSbom}`, "-f", "json", "--severity", "low"]);
    assert.equal(low.code, 0, "the default --fail-on is none");
    assert.ok(json(low.stdout).vulnerabilities.every((v) => v.severity === "low"));
    assert.ok(rows(json(low.stdout), "CVE-2016-2781").length === 1);
    const fail = await scan([`sbom:${debianSbom}`, "-f", "json", "--severity", "low", "--fail-on", "low"]);
    assert.equal(fail.code, 1);
    // Shown rows only: with only negligible shown, --fail-on low passes.
    const neg = await scan([
      `sbom:${debianSbom}`,
      "-f",
      "json",
      "--severity",
      "negligible",
      "--fail-on",
      "low",
    ]);
    assert.equal(neg.code, 0, neg.stderr);
    const bad = await scan([`sbom:${debianSbom}`, "--severity", "severe"]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--severity: unknown severity "severe"/);
  });

  test("the ignore file suppresses by id with a reason; an expired entry stops ignoring and says so", async () => {
    const file = join(dir, "ignore.yaml");
    writeFileSync(
      file,
      "ignore:\n  - id: CVE-2016-2781\n    package: coreutils\n    reason: chroot not used\n  - id: CVE-2011-3374\n    reason: old waiver\n    expires: 2020-01-01\n",
    );
    const r = await scan([`sbom:${debianSbom}`, "-f", "json", "--ignore-file", file, "--fail-on", "low"]);
    const j = json(r.stdout);
    assert.deepEqual(rows(j, "CVE-2016-2781"), []);
    assert.equal(j.suppressed.find((v) => v.id === "CVE-2016-2781")?.suppressed?.reason, "chroot not used");
    assert.equal(rows(j, "CVE-2011-3374").length, 2, "expired: reported again");
    assert.match(r.stderr, /ignore entry for CVE-2011-3374 at .*ignore\.yaml:5 expired on 2020-01-01/);
    assert.ok(j.notes.some((n) => /expired on 2020-01-01/.test(n.message)));
    const broken = join(dir, "broken.yaml");
    writeFileSync(broken, "ignore:\n  - id: CVE-1\n");
    const b = await scan([`sbom:${debianSbom}`, "--ignore-file", broken]);
    assert.equal(b.code, 2);
    assert.match(b.stderr, /broken\.yaml:2: "reason" is required/);
  });

  test("an OpenVEX not_affected statement suppresses the named package only", async () => {
    const vex = writeVex();
    const j = json((await scan([`sbom:${debianSbom}`, "-f", "json", "--vex", vex])).stdout);
    assert.deepEqual(
      rows(j, "CVE-2011-3374").map((r) => r.package.name),
      ["apt"],
    );
    assert.equal(j.suppressed.find((v) => v.package.name === "libapt-pkg6.0")?.suppressed?.by, "vex");
  });

  test("Alpine: secdb rows through the origin package, versions compared in apk order", async () => {
    const r = await scan([img("alpine:3.18"), "-f", "json"]);
    assert.equal(r.code, 0, r.stderr);
    const j = json(r.stdout);
    const bb = rows(j, "CVE-2023-42363").find((v) => v.package.name === "busybox");
    assert.equal(bb?.package.version, "1.36.1-r2");
    assert.deepEqual(bb?.fixedVersions, ["1.36.1-r7"]);
    assert.equal(bb?.source, "alpine-secdb");
    assert.deepEqual(rows(j, "CVE-2022-48174"), [], "fixed in 1.36.1-r1, before the installed r2");
    const ssl = rows(j, "CVE-2023-5678").map((v) => [v.package.name, v.package.version, v.fixedVersion]);
    assert.deepEqual(ssl.sort(), [
      ["libcrypto3", "3.1.2-r0", "3.1.4-r1"],
      ["libssl3", "3.1.2-r0", "3.1.4-r1"],
    ]);
    assert.deepEqual(rows(j, "CVE-2023-3817"), [], "fixed in 3.1.2-r0, the installed version");
    assert.equal(bb?.layer?.index, 0);
    assert.match(bb?.layer?.createdBy ?? "", /^ADD alpine-minirootfs-3\.18\.3/);
  });

  test("app: language rows with aliases and fixes, their layer, and the Dockerfile line that added them", async () => {
    const df = join(repoRoot, "test/scan/fixtures/app.Dockerfile");
    const r = await scan([img("app:1.0"), "-f", "json", "--dockerfile", df]);
    assert.equal(r.code, 0, r.stderr);
    const j = json(r.stdout);
    const lodash = rows(j, "GHSA-35jh-r3h4-6jhm")[0] ?? rows(j, "CVE-2021-23337")[0];
    assert.ok(lodash, "lodash 4.17.15 is affected");
    assert.ok([lodash.id, ...lodash.aliases].includes("CVE-2021-23337"));
    assert.ok([lodash.id, ...lodash.aliases].includes("GHSA-35jh-r3h4-6jhm"));
    assert.equal(lodash.package.version, "4.17.15");
    assert.equal(lodash.fixedVersion, "4.17.21");
    assert.equal(lodash.target, "npm /app/node_modules");
    assert.equal(lodash.layer?.index, 1);
    assert.equal(lodash.layer?.createdBy, "COPY app/ /app # buildkit");
    assert.equal(lodash.dockerfile?.line, 4);
    assert.equal(lodash.dockerfile?.instruction, "COPY app/ /app");
    assert.equal(lodash.dockerfile?.baseImage, false);
    assert.equal(lodash.severity, "high");
    const minimist = rows(j, "GHSA-xvch-5gv4-984h")[0];
    assert.equal(minimist?.fixedVersion, "1.2.6");
    assert.equal(minimist?.severity, "critical");
    // The Go standard library, matched from the binary's Go version (go1.19.8 < 1.19.9).
    const stdlib = rows(j, "GO-2023-1752")[0];
    assert.deepEqual(
      [stdlib?.package.name, stdlib?.package.version, stdlib?.fixedVersion],
      ["stdlib", "v1.19.8", "1.19.9"],
    );
    assert.equal(stdlib?.target, "golang /usr/local/bin/hello");
    assert.equal(stdlib?.layer?.createdBy, "COPY hello /usr/local/bin/hello # buildkit");
    assert.equal(stdlib?.dockerfile?.line, 6);
    // PyPI: urllib3 1.26.12 < 1.26.17, known as CVE, GHSA and PYSEC ids in one row.
    const urllib3 = rows(j, "PYSEC-2023-192");
    assert.equal(urllib3.length, 1);
    assert.deepEqual([urllib3[0].id, ...urllib3[0].aliases].sort(), [
      "CVE-2023-43804",
      "GHSA-v845-jxx5-vc9f",
      "PYSEC-2023-192",
    ]);
    assert.equal(urllib3[0].fixedVersion, "1.26.17");
    assert.equal(urllib3[0].target, "pypi /usr/local/lib/python3.11/site-packages");
    assert.equal(urllib3[0].dockerfile?.line, 5);
    const coreutils = rows(j, "CVE-2016-2781")[0];
    assert.equal(coreutils?.dockerfile?.line, 2);
    assert.equal(coreutils?.dockerfile?.baseImage, true);
    assert.match(
      coreutils?.dockerfile?.instruction ?? "",
      /^FROM 127\.0\.0\.1:35000\/portcullis\/debian:bookworm/,
    );
    // The table says it in words, grouped by target.
    const t = await scan([img("app:1.0"), "-f", "table", "--dockerfile", df]);
    assert.match(t.stdout, /^OS packages \(/m);
    assert.match(t.stdout, /^npm \/app\/node_modules$/m);
    assert.match(t.stdout, /app\.Dockerfile:4/);
    const sarif = JSON.parse((await scan([img("app:1.0"), "-f", "sarif", "--dockerfile", df])).stdout);
    const msg = sarif.runs[0].results.find((x: { ruleId: string }) => x.ruleId === lodash.id)?.message
      .text as string;
    assert.match(
      msg,
      /in lodash 4\.17\.15, added by COPY app\/ \/app at .*app\.Dockerfile:4 — fixed in 4\.17\.21/,
    );
  });

  test("every format parses: SARIF and CycloneDX validate against their schemas, JUnit is well-formed XML", async () => {
    const schema = JSON.parse(
      readFileSync(join(repoRoot, "test/fixtures/sarif/sarif-schema-2.1.0.json"), "utf8"),
    );
    const ajv = new Ajv4.default({ allErrors: true, strict: false, unicodeRegExp: false });
    addFormats.default(ajv as never);
    const validate = ajv.compile(schema);
    const s = await scan([`sbom:${debianSbom}`, "-f", "sarif"]);
    const sarif = JSON.parse(s.stdout) as { runs: { results: { ruleId: string }[] }[] };
    assert.ok(validate(sarif), JSON.stringify(validate.errors?.slice(0, 3)));
    assert.ok(sarif.runs[0].results.some((x: { ruleId: string }) => x.ruleId === "CVE-2016-2781"));

    const c = await scan([`sbom:${debianSbom}`, "-f", "cyclonedx", "--vex", writeVex()]);
    const validator = new Validation.JsonStrictValidator(Spec.Version.v1dot6);
    assert.equal(await validator.validate(c.stdout), null);
    const bom = JSON.parse(c.stdout);
    const v = bom.vulnerabilities.find((x: { id: string }) => x.id === "CVE-2016-2781");
    assert.equal(v.affects[0].ref, "pkg:deb/debian/coreutils@9.1-1?arch=amd64&distro=debian-12");
    assert.ok(bom.components.some((x: { "bom-ref": string }) => x["bom-ref"] === v.affects[0].ref));
    assert.ok(
      bom.vulnerabilities.some((x: { analysis?: { state: string } }) => x.analysis?.state === "not_affected"),
    );

    const x = await scan([`sbom:${debianSbom}`, "-f", "junit"]);
    assert.match(x.stdout, /^<\?xml version="1\.0" encoding="UTF-8"\?>/);
    assert.ok(wellFormed(x.stdout), "balanced XML elements");
    assert.match(x.stdout, /<testcase [^>]*name="CVE-2016-2781 deb\/coreutils@9\.1-1/);

    const t = await scan([`sbom:${debianSbom}`, "-f", "table"]);
    assert.match(t.stdout, /CVE-2016-2781[ │]+LOW[ │]+coreutils[ │]+9\.1-1[ │]+\(no fix yet\)/);
  });

  test("a missing database: exit 3, saying how to get one; nothing is scanned", async () => {
    const r = await scan([img("alpine:3.18")], { PORTCULLIS_DB: join(dir, "none.db") });
    assert.equal(r.code, 3);
    assert.match(r.stderr, /no vulnerability database at .*none\.db; run 'portcullis db update'/);
    assert.equal(r.stdout, "");
  });
});

/** Elements open and close in order (a small check; the test has no XML parser). */
function wellFormed(xml: string): boolean {
  const stack: string[] = [];
  for (const m of xml.replace(/<\?[^>]*\?>/g, "").matchAll(/<(\/?)([A-Za-z_][\w.-]*)[^>]*?(\/?)>/g)) {
    if (m[3]) continue;
    if (!m[1]) stack.push(m[2]);
    else if (stack.pop() !== m[2]) return false;
  }
  return stack.length === 0;
}
