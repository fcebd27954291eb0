/**
 * `portcullis scan` as a Trivy/Grype user tries it (a new-user QA pass): SPDX SBOMs written by
 * Trivy and Syft, the stale-database warning (the same sentence `db status` prints, also from
 * `check --images`), `-q -f json` keeping stderr to warnings, and the HTML report's layer numbers.
 * The SBOMs are small documents in each tool's shape, written here; the database is built from
 * the shared vectors (skips without them).
 */
import assert from "node:assert/strict";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import Database from "better-sqlite3";
import { openVulnStore } from "../../src/vulndb/index.js";
import { buildSharedDb, sharedFeeds } from "../scan/support.js";
import { runCli } from "../support/cli.js";
import { registryEnv, SKIP_NO_REGISTRY_ENV } from "../support/registry-env.js";
import { SKIP_NO_SHARED } from "../support/shared.js";

/** Trivy's SPDX JSON: the OS as a package with purpose OPERATING-SYSTEM, source packages in sourceInfo. */
const TRIVY_SPDX = {
  spdxVersion: "SPDX-2.3",
  dataLicense: "CC0-1.0",
  SPDXID: "SPDXRef-DOCUMENT",
  name: "portcullis/debian:bookworm",
  documentNamespace: "http://aquasecurity.github.io/trivy/container_image/portcullis/debian:bookworm-1",
  creationInfo: {
    creators: ["Organization: aquasecurity", "Tool: trivy-0.50.0"],
    created: "2026-12-01T00:00:00Z",
  },
  packages: [
    {
      name: "portcullis/debian:bookworm",
      SPDXID: "SPDXRef-ContainerImage-1",
      downloadLocation: "NONE",
      primaryPackagePurpose: "CONTAINER",
      filesAnalyzed: false,
    },
    {
      name: "debian",
      SPDXID: "SPDXRef-OperatingSystem-2",
      versionInfo: "12.7",
      downloadLocation: "NONE",
      primaryPackagePurpose: "OPERATING-SYSTEM",
      filesAnalyzed: false,
    },
    {
      name: "libudev1",
      SPDXID: "SPDXRef-Package-3",
      versionInfo: "252.39-1~deb12u2",
      downloadLocation: "NONE",
      primaryPackagePurpose: "LIBRARY",
      filesAnalyzed: false,
      sourceInfo: "built package from: systemd 252.39-1~deb12u2",
      externalRefs: [
        {
          referenceCategory: "PACKAGE-MANAGER",
          referenceType: "purl",
          referenceLocator: "pkg:deb/debian/libudev1@252.39-1~deb12u2?arch=amd64&distro=debian-12.7",
        },
      ],
    },
    {
      name: "libapt-pkg6.0",
      SPDXID: "SPDXRef-Package-4",
      versionInfo: "2.6.1",
      downloadLocation: "NONE",
      primaryPackagePurpose: "LIBRARY",
      filesAnalyzed: false,
      sourceInfo: "built package from: apt 2.6.1",
      externalRefs: [
        {
          referenceCategory: "PACKAGE-MANAGER",
          referenceType: "purl",
          referenceLocator: "pkg:deb/debian/libapt-pkg6.0@2.6.1?arch=amd64&distro=debian-12.7",
        },
      ],
    },
  ],
};

/** Syft's SPDX JSON: no OS package; the release is in each OS package's purl distro qualifier. */
const SYFT_SPDX = {
  spdxVersion: "SPDX-2.3",
  dataLicense: "CC0-1.0",
  SPDXID: "SPDXRef-DOCUMENT",
  name: "alpine",
  documentNamespace: "https://anchore.com/syft/image/alpine-1",
  creationInfo: {
    creators: ["Organization: Anchore, Inc", "Tool: syft-1.0.0"],
    created: "2026-12-01T00:00:00Z",
  },
  packages: [
    {
      name: "busybox",
      SPDXID: "SPDXRef-Package-apk-busybox-1",
      versionInfo: "1.36.1-r2",
      downloadLocation: "https://busybox.net/",
      filesAnalyzed: false,
      sourceInfo: "acquired package info from APK DB: /lib/apk/db/installed",
      externalRefs: [
        {
          referenceCategory: "PACKAGE-MANAGER",
          referenceType: "purl",
          referenceLocator: "pkg:apk/alpine/busybox@1.36.1-r2?arch=x86_64&distro=alpine-3.18.3",
        },
      ],
    },
    {
      name: "libcrypto3",
      SPDXID: "SPDXRef-Package-apk-libcrypto3-2",
      versionInfo: "3.1.2-r0",
      downloadLocation: "https://www.openssl.org/",
      filesAnalyzed: false,
      sourceInfo: "acquired package info from APK DB: /lib/apk/db/installed",
      externalRefs: [
        {
          referenceCategory: "PACKAGE-MANAGER",
          referenceType: "purl",
          referenceLocator:
            "pkg:apk/alpine/libcrypto3@3.1.2-r0?arch=x86_64&upstream=openssl&distro=alpine-3.18.3",
        },
      ],
    },
    {
      name: "alpine",
      SPDXID: "SPDXRef-DocumentRoot-Image-alpine",
      versionInfo: "sha256:c040072b5ce084c6a922e861e7ac9e4cb89646bc46b35a8962bdc886191acf67",
      downloadLocation: "NOASSERTION",
      primaryPackagePurpose: "CONTAINER",
      filesAnalyzed: false,
    },
  ],
};

/** A CycloneDX SBOM with one vulnerable npm package and a Go main module without a version (an info note). */
const NOTE_CDX = {
  bomFormat: "CycloneDX",
  specVersion: "1.5",
  version: 1,
  metadata: { component: { type: "application", name: "app" } },
  components: [
    { type: "library", name: "minimist", version: "1.2.5", purl: "pkg:npm/minimist@1.2.5" },
    { type: "library", name: "example.com/app", purl: "pkg:golang/example.com/app" },
  ],
};

interface ScanJson {
  artifact: { os?: { family: string; version: string } };
  vulnerabilities: { id: string; package: { name: string }; fixedVersion?: string }[];
}

describe("portcullis scan: new-user QA", { skip: sharedFeeds() ? false : SKIP_NO_SHARED }, () => {
  const dir = mkdtempSync(join(tmpdir(), "portcullis-scan-qa-"));
  let db = "";
  const file = (name: string, doc: unknown) => {
    const p = join(dir, name);
    writeFileSync(p, JSON.stringify(doc));
    return p;
  };
  const rows = (stdout: string) =>
    (JSON.parse(stdout) as ScanJson).vulnerabilities
      .map((v) => `${v.package.name} ${v.id} ${v.fixedVersion ?? "-"}`)
      .sort();
  before(async () => {
    db = (await buildSharedDb(dir)) as string;
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("matches a Trivy SPDX SBOM: OS from the OPERATING-SYSTEM package, source packages from sourceInfo", async () => {
    const r = await runCli(["scan", `sbom:${file("trivy.spdx.json", TRIVY_SPDX)}`, "-f", "json", "--db", db]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual((JSON.parse(r.stdout) as ScanJson).artifact.os, { family: "debian", version: "12.7" });
    assert.deepEqual(rows(r.stdout), ["libapt-pkg6.0 CVE-2011-3374 -", "libudev1 CVE-2023-7008 -"]);
    assert.doesNotMatch(r.stderr, /not checked/);
  });

  it("matches a Syft SPDX SBOM without an OS package: the release comes from the purls' distro qualifier", async () => {
    const r = await runCli(["scan", `sbom:${file("syft.spdx.json", SYFT_SPDX)}`, "-f", "json", "--db", db]);
    assert.equal(r.code, 0, r.stderr);
    const got = rows(r.stdout);
    assert.ok(got.includes("busybox CVE-2023-42363 1.36.1-r7"), got.join("\n"));
    assert.ok(
      got.includes("libcrypto3 CVE-2023-5678 3.1.4-r1"),
      "libcrypto3 matched through upstream=openssl",
    );
  });

  it("prints the stale-database warning of db status, from scan and from check --images", async () => {
    const old = join(dir, "old.db");
    writeFileSync(old, readFileSync(db));
    const d = new Database(old);
    d.prepare("UPDATE sources SET updated_at = '2020-01-01T00:00:00.000Z'").run();
    d.close();
    const status = await runCli(["db", "status", "--db", old, "-f", "json"]);
    const warning = (JSON.parse(status.stdout) as { warning: string }).warning;
    assert.match(warning, /last updated \d+ days ago/);

    const scan = await runCli([
      "scan",
      `sbom:${file("note.cdx.json", NOTE_CDX)}`,
      "-q",
      "-f",
      "json",
      "--db",
      old,
    ]);
    assert.equal(scan.code, 0, scan.stderr);
    assert.ok(scan.stderr.includes(`warning: ${warning}\n`), scan.stderr);

    writeFileSync(
      join(dir, "policy.yaml"),
      "apiVersion: portcullis.dev/v1alpha1\nkind: ImagePolicy\nmetadata: { name: qa }\nspec:\n  rules:\n    vulnerabilities: { maxSeverity: high }\n",
    );
    writeFileSync(
      join(dir, "pod.yaml"),
      "apiVersion: v1\nkind: Pod\nmetadata: { name: web }\nspec:\n  containers:\n    - name: app\n      image: 127.0.0.1:1/qa/app:1.0\n",
    );
    const check = await runCli(
      [
        "check",
        join(dir, "pod.yaml"),
        "--policy",
        join(dir, "policy.yaml"),
        "--images",
        "--db",
        old,
        "-f",
        "json",
      ],
      { timeoutMs: 90_000 },
    );
    assert.ok(check.stderr.includes(`warning: ${warning}\n`), check.stderr);
  });

  it("keeps stderr to warnings with -q -f json (info notes only without -q)", async () => {
    const sbom = `sbom:${file("note.cdx.json", NOTE_CDX)}`;
    const loud = await runCli(["scan", sbom, "-f", "json", "--db", db]);
    assert.match(loud.stderr, /^info: 1 package\(s\) without a usable version/m);
    assert.match(loud.stderr, /^1 vulnerability in 2 packages of app$/m);
    const quiet = await runCli(["scan", sbom, "-f", "json", "-q", "--db", db]);
    assert.equal(quiet.code, 0, quiet.stderr);
    assert.equal(quiet.stderr, "");
    assert.equal((JSON.parse(quiet.stdout) as ScanJson).vulnerabilities.length, 1);
    const table = await runCli(["scan", sbom, "-f", "table", "--db", db]);
    assert.match(table.stdout, /^app \(unknown OS\): 2 packages, 1 vulnerability \(critical 1\)$/m);
  });

  it("numbers layers from 1 in the HTML report, as the table does, and names the OS once", {
    skip: registryEnv ? false : SKIP_NO_REGISTRY_ENV,
  }, async () => {
    const env = registryEnv;
    if (!env) return;
    const image = `oci:${env.ociLayout}:debian`;
    const html = await runCli(["scan", image, "-f", "html", "--db", db]);
    assert.equal(html.code, 0, html.stderr);
    const table = await runCli(["scan", image, "-f", "table", "--db", db]);
    assert.match(table.stdout, /│ layer 1 │/);
    assert.match(html.stdout, />layer 1: /);
    assert.doesNotMatch(html.stdout, />layer 0[:<]/);
    assert.match(html.stdout, /Debian GNU\/Linux 12 \(bookworm\)</);
    assert.doesNotMatch(html.stdout, /\(bookworm\) 12</);
  });

  it("treats a database that holds no data as missing: scan exits 3 saying how to fill it", async () => {
    const empty = join(dir, "empty.db");
    await (await openVulnStore(empty, { write: true })).close();
    const r = await runCli(["scan", `sbom:${file("note.cdx.json", NOTE_CDX)}`, "-f", "json", "--db", empty]);
    assert.equal(r.code, 3, r.stderr);
    assert.equal(r.stdout, "");
    assert.match(
      r.stderr,
      /empty\.db holds no data; run 'portcullis db update'.*'portcullis db import FILE'/,
    );
  });

  it("check --images fails closed on an empty database (was: no findings, exit 0)", {
    skip: registryEnv ? false : SKIP_NO_REGISTRY_ENV,
  }, async () => {
    const env = registryEnv;
    if (!env) return;
    const empty = join(dir, "empty-check.db");
    await (await openVulnStore(empty, { write: true })).close();
    writeFileSync(
      join(dir, "policy-app.yaml"),
      "apiVersion: portcullis.dev/v1alpha1\nkind: ImagePolicy\nmetadata: { name: qa }\nspec:\n  rules:\n    vulnerabilities: { maxSeverity: critical }\n",
    );
    writeFileSync(
      join(dir, "pod-app.yaml"),
      `apiVersion: v1\nkind: Pod\nmetadata: { name: web }\nspec:\n  containers:\n    - name: app\n      image: ${env.plain}/portcullis/alpine:3.18\n`,
    );
    const args = [
      "check",
      join(dir, "pod-app.yaml"),
      "--policy",
      join(dir, "policy-app.yaml"),
      "--images",
      "-f",
      "json",
    ];
    const r = await runCli([...args, "--db", empty], { timeoutMs: 90_000 });
    assert.equal(r.code, 3, r.stderr);
    const findings = (JSON.parse(r.stdout) as { findings: { rule: string; message: string }[] }).findings;
    assert.match(findings.find((f) => f.rule === "image-vulnerabilities")?.message ?? "", /holds no data/);
    const ok = await runCli([...args, "--db", db], { timeoutMs: 90_000 });
    assert.equal(ok.code, 0, `the same image passes with data (nothing critical): ${ok.stderr}`);
  });

  it("explains that a .trivyignore-style list of ids is not an ignore file (exit 2, file:line)", async () => {
    const ignore = join(dir, "trivyignore");
    writeFileSync(ignore, "CVE-2023-5678\nCVE-2023-6129\n");
    const r = await runCli([
      "scan",
      `sbom:${file("note.cdx.json", NOTE_CDX)}`,
      "--ignore-file",
      ignore,
      "--db",
      db,
    ]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(
      r.stderr,
      /trivyignore:1: expected a list of entries under "ignore:" \(one id per line, as in \.trivyignore, is not read/,
    );
  });

  it("says an OCI layout's index.json cannot be read, not that it is invalid JSON", async () => {
    const layout = join(dir, "layout");
    mkdirSync(join(layout, "index.json"), { recursive: true });
    writeFileSync(join(layout, "oci-layout"), '{"imageLayoutVersion":"1.0.0"}');
    const r = await runCli(["scan", `oci:${layout}`, "--db", db]);
    assert.equal(r.code, 2, r.stderr);
    assert.match(r.stderr, /index\.json: cannot read index\.json: is a directory/);
    assert.doesNotMatch(r.stderr, /not valid JSON/);
  });

  it("given a local path without a prefix, names the prefix that reads it (sbom:, dir:)", async () => {
    const sbom = file("bare.cdx.json", NOTE_CDX);
    let r = await runCli(["scan", sbom, "--db", db]);
    assert.equal(r.code, 2, r.stderr);
    assert.ok(r.stderr.includes(`write sbom:${sbom} for a CycloneDX/SPDX SBOM`), r.stderr);
    r = await runCli(["scan", dir, "--db", db]);
    assert.equal(r.code, 2, r.stderr);
    assert.ok(r.stderr.includes(`write dir:${dir} to read it as a root filesystem`), r.stderr);
  });
});
