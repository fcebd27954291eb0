/**
 * `scan sbom:FILE` on SBOMs written by other tools: OS packages must be matched through their
 * source package, which Syft gives as `syft:metadata:originPackage` / the purl's `upstream`
 * qualifier and Trivy as `aquasecurity:trivy:SrcName/SrcVersion/SrcRelease`. The fixtures are
 * small hand-made documents in each tool's shape (see fixtures/). Needs the shared vectors only.
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { runCli } from "../support/cli.js";
import { repoRoot, SKIP_NO_SHARED } from "../support/shared.js";
import { buildSharedDb, sharedFeeds } from "./support.js";

describe("scan of other tools' SBOMs", { skip: sharedFeeds() ? false : SKIP_NO_SHARED }, () => {
  const dir = mkdtempSync(join(tmpdir(), "portcullis-scan-sbom-"));
  let db = "";
  before(async () => {
    db = (await buildSharedDb(dir)) as string;
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const scan = async (fixture: string) => {
    const r = await runCli(["scan", `sbom:${join(repoRoot, "test/scan/fixtures", fixture)}`, "-f", "json"], {
      env: { PORTCULLIS_DB: db },
    });
    assert.equal(r.code, 0, r.stderr);
    const j = JSON.parse(r.stdout) as {
      vulnerabilities: { id: string; package: { name: string }; fixedVersion?: string }[];
    };
    return [
      ...new Set(j.vulnerabilities.map((v) => `${v.package.name} ${v.id} ${v.fixedVersion ?? "-"}`)),
    ].sort();
  };

  test("Syft CycloneDX (Alpine): libcrypto3 is matched through its origin openssl", async () => {
    const got = await scan("syft-alpine.cdx.json");
    assert.ok(got.includes("libcrypto3 CVE-2023-5678 3.1.4-r1"), got.join("\n"));
    assert.ok(got.includes("busybox CVE-2023-42363 1.36.1-r7"));
    assert.ok(!got.some((g) => g.includes("CVE-2023-3817")), "fixed in the installed 3.1.2-r0");
  });

  test("Trivy CycloneDX (Debian): binary packages matched through SrcName; a fixed_version 0 entry does not match", async () => {
    assert.deepEqual(await scan("trivy-debian.cdx.json"), [
      "libapt-pkg6.0 CVE-2011-3374 -",
      "libudev1 CVE-2023-7008 -",
    ]);
  });
});
