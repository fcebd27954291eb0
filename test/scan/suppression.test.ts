/**
 * What a scan leaves out and why: the ignore file (ids and aliases, package/purl patterns,
 * expiry), OpenVEX and CycloneDX VEX statements, and the policy's judgement of rows against
 * maxSeverity (ignoreUnfixed, ignores with expiry). Tables of hand-made rows; no database.
 */
import assert from "node:assert/strict";
import { describe, test } from "node:test";
import type { Package } from "../../src/catalog/types.js";
import { applyIgnores, IgnoreFileError, isExpired, parseIgnoreText } from "../../src/scan/ignore-file.js";
import { judge } from "../../src/scan/policy-evidence.js";
import type { ScanFinding } from "../../src/scan/result.js";
import { applyVex, parseVex } from "../../src/scan/vex.js";
import { staleWarning } from "../../src/vulndb/freshness.js";
import type { DbStatus } from "../../src/vulndb/types.js";

function pkg(name: string, version: string, purl: string, source?: string): Package {
  return {
    name,
    version,
    type: purl.slice(4, purl.indexOf("/")) as Package["type"],
    purl,
    licenses: [],
    locations: [{ path: "/lib/apk/db/installed", layerIndex: 0 }],
    foundBy: "test",
    ...(source ? { source: { name: source } } : {}),
  };
}

function row(id: string, aliases: string[], p: Package, fixed: string[] = ["9"]): ScanFinding {
  return { id, aliases, package: p, fixedVersions: fixed, severity: "high", source: "test", target: "os" };
}

const libcrypto = pkg("libcrypto3", "3.1.2-r0", "pkg:apk/alpine/libcrypto3@3.1.2-r0?arch=x86_64", "openssl");
const busybox = pkg("busybox", "1.36.1-r2", "pkg:apk/alpine/busybox@1.36.1-r2?arch=x86_64", "busybox");

describe("ignore file", () => {
  const now = new Date("2026-12-04T12:00:00Z");
  const text = `ignore:
  - id: CVE-2023-5678
    package: pkg:apk/alpine/libcrypto3*
    reason: DH parameters never parsed
  - id: GHSA-aaaa-bbbb-cccc
    reason: alias entry
  - id: CVE-2023-0001
    reason: old waiver
    expires: 2026-12-03
  - id: CVE-2023-0002
    package: openssl
    reason: by source package, until today
    expires: 2026-12-04
`;
  const entries = parseIgnoreText(text, ".portcullisignore");

  test("entries keep their file:line", () => {
    assert.deepEqual(
      entries.map((e) => e.source),
      [".portcullisignore:2", ".portcullisignore:5", ".portcullisignore:7", ".portcullisignore:10"],
    );
  });

  const cases: [string, ScanFinding, string | undefined][] = [
    ["id and purl pattern", row("CVE-2023-5678", [], libcrypto), "DH parameters never parsed"],
    ["id but another package", row("CVE-2023-5678", [], busybox), undefined],
    ["an alias of the row", row("CVE-2024-1", ["GHSA-aaaa-bbbb-cccc"], busybox), "alias entry"],
    ["expired yesterday: reported again", row("CVE-2023-0001", [], busybox), undefined],
    [
      "expires today: still applies; package by source name",
      row("CVE-2023-0002", [], libcrypto),
      "by source package, until today",
    ],
    ["no entry", row("CVE-2099-1", [], busybox), undefined],
  ];
  for (const [name, f, reason] of cases) {
    test(`ignore: ${name}`, () => {
      const notes = applyIgnores([f], entries, now);
      assert.equal(f.suppressed?.reason, reason);
      if (name.startsWith("expired"))
        assert.match(
          notes[0]?.message ?? "",
          /CVE-2023-0001 at \.portcullisignore:7 expired on 2026-12-03; it no longer applies/,
        );
    });
  }

  test("expiry is inclusive of the day (UTC)", () => {
    assert.equal(isExpired("2026-12-04", new Date("2026-12-04T23:59:59Z")), false);
    assert.equal(isExpired("2026-12-04", new Date("2026-12-05T00:00:00Z")), true);
  });

  const bad: [string, RegExp][] = [
    ["ignore:\n  - reason: x\n", /\.portcullisignore:2: "id" is required/],
    ["ignore:\n  - id: CVE-1\n", /\.portcullisignore:2: "reason" is required/],
    ["ignore:\n  - id: CVE-1\n    reason: r\n    expires: soon\n", /"expires" must be a date YYYY-MM-DD/],
    ["ignore:\n  - id: CVE-1\n    reason: r\n    until: 2027-01-01\n", /unknown key "until"/],
    ["ignores: []\n", /unknown key "ignores"/],
    ["ignore: [\n", /not valid YAML/],
  ];
  for (const [input, msg] of bad) {
    test(`a bad ignore file is refused with file:line (${msg.source.slice(0, 30)})`, () => {
      assert.throws(
        () => parseIgnoreText(input, ".portcullisignore"),
        (e: Error) => e instanceof IgnoreFileError && msg.test(e.message),
      );
    });
  }

  test("a bare list is accepted", () => {
    assert.equal(parseIgnoreText("- id: CVE-1\n  reason: r\n", "f").length, 1);
  });
});

describe("VEX", () => {
  const image = { reference: "127.0.0.1:35000/portcullis/alpine:3.18", digest: "sha256:c040" };
  const openvex = JSON.stringify({
    "@context": "https://openvex.dev/ns/v0.2.0",
    statements: [
      {
        vulnerability: { name: "CVE-2023-5678" },
        products: [{ "@id": "pkg:apk/alpine/libcrypto3" }],
        status: "not_affected",
        justification: "vulnerable_code_not_in_execute_path",
      },
      {
        vulnerability: { name: "CVE-2023-6129" },
        products: [
          {
            "@id": "pkg:oci/alpine@sha256:c040",
            subcomponents: [{ "@id": "pkg:apk/alpine/busybox@1.36.1-r2" }],
          },
        ],
        status: "fixed",
      },
      {
        vulnerability: { name: "CVE-2023-7777" },
        products: [{ "@id": "pkg:apk/alpine/busybox" }],
        status: "under_investigation",
      },
      {
        vulnerability: { name: "CVE-2023-8888" },
        products: [{ "@id": "pkg:apk/alpine/busybox" }],
        status: "not_affected",
      },
      {
        vulnerability: { name: "CVE-2023-8888" },
        products: [{ "@id": "pkg:apk/alpine/busybox" }],
        status: "affected",
      },
    ],
  });
  const statements = parseVex(openvex, "a.openvex.json");
  const cases: [string, ScanFinding, string | undefined][] = [
    [
      "not_affected for the package purl (any version)",
      row("CVE-2023-5678", [], libcrypto),
      "not_affected (vulnerable_code_not_in_execute_path)",
    ],
    ["fixed for a subcomponent of the image by digest", row("CVE-2023-6129", [], busybox), "fixed"],
    ["the image's subcomponents only", row("CVE-2023-6129", [], libcrypto), undefined],
    ["under_investigation suppresses nothing", row("CVE-2023-7777", [], busybox), undefined],
    ["a later affected statement wins", row("CVE-2023-8888", [], busybox), undefined],
    [
      "matched through an alias of the row",
      row("ALPINE-1", ["CVE-2023-5678"], libcrypto),
      "not_affected (vulnerable_code_not_in_execute_path)",
    ],
  ];
  for (const [name, f, reason] of cases) {
    test(`OpenVEX: ${name}`, () => {
      applyVex([f], statements, image);
      assert.equal(f.suppressed?.reason, reason);
      if (reason) assert.equal(f.suppressed?.by, "vex");
    });
  }

  test("CycloneDX VEX: analysis state not_affected on a bom-ref suppresses that component", () => {
    const doc = JSON.stringify({
      bomFormat: "CycloneDX",
      specVersion: "1.6",
      components: [
        { "bom-ref": "c1", type: "library", name: "busybox", purl: "pkg:apk/alpine/busybox@1.36.1-r2" },
      ],
      vulnerabilities: [
        {
          id: "CVE-2023-42363",
          analysis: { state: "not_affected", justification: "code_not_reachable" },
          affects: [{ ref: "urn:cdx:1234/1#c1" }],
        },
        { id: "CVE-2023-42364", analysis: { state: "exploitable" }, affects: [{ ref: "c1" }] },
      ],
    });
    const st = parseVex(doc, "vex.cdx.json");
    const a = row("CVE-2023-42363", [], busybox);
    const b = row("CVE-2023-42364", [], busybox);
    const c = row("CVE-2023-42363", [], libcrypto);
    applyVex([a, b, c], st, image);
    assert.equal(a.suppressed?.reason, "not_affected (code_not_reachable)");
    assert.equal(b.suppressed, undefined);
    assert.equal(c.suppressed, undefined);
  });

  test("a file that is not VEX is refused naming the file", () => {
    assert.throws(() => parseVex("{}", "x.json"), /x\.json: not a VEX document/);
    assert.throws(() => parseVex("<html>", "x.json"), /x\.json: not a VEX document: not valid JSON/);
  });
});

describe("policy judgement of scan rows", () => {
  const now = new Date("2026-12-04T00:00:00Z");
  const r = (id: string, severity: ScanFinding["severity"], fixed = true) => ({
    id,
    aliases: [`GHSA-${id}`],
    packageName: "openssl",
    purl: "pkg:deb/debian/openssl@3.0.11",
    severity,
    fixed,
  });
  const rows = [
    r("CVE-1", "critical"),
    r("CVE-2", "high", false),
    r("CVE-3", "medium"),
    r("CVE-4", "unknown"),
  ];
  const cases: [string, Parameters<typeof judge>[1], boolean, RegExp][] = [
    [
      "critical over high",
      { maxSeverity: "high" },
      false,
      /1 vulnerability above the limit .*CVE-1 \(critical, openssl\)/,
    ],
    ["critical allowed", { maxSeverity: "critical" }, true, /no vulnerability above the limit/],
    [
      "unfixed high counts without ignoreUnfixed",
      { maxSeverity: "medium" },
      false,
      /2 vulnerabilities .*CVE-1.*CVE-2/,
    ],
    [
      "ignoreUnfixed drops the unfixed high",
      { maxSeverity: "medium", ignoreUnfixed: true },
      false,
      /1 vulnerability/,
    ],
    ["ignored by alias", { maxSeverity: "high", ignore: ["GHSA-CVE-1"] }, true, /no vulnerability/],
    [
      "ignore with a future expiry",
      { maxSeverity: "high", ignore: [{ id: "CVE-1", reason: "r", expires: "2026-12-31" }] },
      true,
      /no vulnerability/,
    ],
    [
      "an expired ignore no longer applies",
      { maxSeverity: "high", ignore: [{ id: "CVE-1", reason: "r", expires: "2026-12-01" }] },
      false,
      /ignore entries expired: CVE-1 \(expired 2026-12-01\)/,
    ],
    [
      "none: any row fails, unknown too",
      { maxSeverity: "none", ignore: ["CVE-1", "CVE-2", "CVE-3"] },
      false,
      /CVE-4 \(unknown/,
    ],
  ];
  for (const [name, policy, ok, msg] of cases) {
    test(`policy: ${name}`, () => {
      const v = judge(rows, policy, now, "scan");
      assert.equal(v.ok, ok);
      assert.match(v.message, msg);
    });
  }
});

describe("stale database warning", () => {
  const now = new Date("2026-12-04T00:00:00Z");
  const cases: [string | undefined, RegExp | undefined][] = [
    ["2026-12-01T00:00:00Z", undefined],
    ["2026-11-27T00:00:00Z", undefined],
    ["2026-11-20T00:00:00Z", /last updated 14 days ago \(2026-11-20T00:00:00Z\); run 'portcullis db update'/],
    [undefined, /has no update time/],
  ];
  for (const [updatedAt, msg] of cases) {
    test(`updated ${updatedAt ?? "never"}: ${msg ? "warns" : "no warning"}`, () => {
      const status = { location: "vuln.db", updatedAt, sources: [{ name: "osv" }] } as unknown as DbStatus;
      const w = staleWarning(status, 7, now);
      if (msg) assert.match(w ?? "", msg);
      else assert.equal(w, undefined);
    });
  }
});
