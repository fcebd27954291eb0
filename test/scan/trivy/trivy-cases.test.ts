/**
 * Trivy's own integration cases (shared/vectors/vulndata/trivy: alpine-39, debian-stretch, npm,
 * pip, gomod, pom, cargo) replayed through Portcullis's matcher: Trivy's fixture DB converted to
 * OSV records (test/support/trivy-fixtures.ts), each case's packages, and Trivy's golden
 * vulnerability ids, installed and fixed versions and severities asserted, including the
 * `--ignore-unfixed`, `--severity HIGH,CRITICAL` and ignored-id variants (flags from
 * trivy/_harness/*.go).
 *
 * Packages: npm and cargo come from Portcullis's own catalogers over `input/` (`dir:` source);
 * requirements.txt, go.mod and pom.xml have no Portcullis cataloger (images hold installed
 * packages, not manifests), so their pinned entries are read here with a few lines each. The
 * alpine-39 and debian-stretch package lists are not in Trivy's repository: the installed versions
 * come from the goldens and the origin / Source package of each binary package is stated below
 * (Alpine: libcrypto1.1 and libssl1.1 are built from openssl, musl-utils from musl; Debian:
 * e2fslibs, libcomerr2 and libss2 from e2fsprogs).
 *
 * Deliberate differences from Trivy (see docs/scan-matching.md): severitySource names how the
 * rating was obtained (e.g. "cvss-v3.1" computed from NVD's vector, where Trivy says "nvd");
 * Debian's DSA ids are listed among the aliases, where Trivy has a separate VendorIDs field.
 */
import assert from "node:assert/strict";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { before, describe, it } from "node:test";
import { catalogImage } from "../../../src/catalog/index.js";
import type { Package } from "../../../src/catalog/types.js";
import type { OsInfo } from "../../../src/image/os-release.js";
import { matchPackages, selectMatches } from "../../../src/scan/match/index.js";
import type { VulnMatch, VulnSeverity } from "../../../src/scan/types.js";
import { pkg } from "../../support/match-packages.js";
import type { MemoryVulnStore } from "../../support/memory-vuln-store.js";
import { SKIP_NO_SHARED, vectorPath } from "../../support/shared.js";
import { loadTrivyFixtures } from "../../support/trivy-fixtures.js";

const trivy = vectorPath("vulndata", "trivy");

interface GoldenVuln {
  VulnerabilityID: string;
  PkgName: string;
  InstalledVersion: string;
  FixedVersion?: string;
  Severity: string;
  VendorIDs?: string[];
}
interface Golden {
  Results?: { Target: string; Vulnerabilities?: GoldenVuln[] }[];
}

function golden(...parts: string[]): Golden {
  return JSON.parse(readFileSync(join(trivy as string, ...parts), "utf8")) as Golden;
}

/** target|package|installed|id|fixed|SEVERITY rows of a golden. */
function goldenRows(g: Golden): string[] {
  return (g.Results ?? [])
    .flatMap((r) =>
      (r.Vulnerabilities ?? []).map(
        (v) =>
          `${r.Target}|${v.PkgName}|${v.InstalledVersion}|${v.VulnerabilityID}|${v.FixedVersion ?? ""}|${v.Severity}`,
      ),
    )
    .sort();
}

/** The same rows from Portcullis's matches; the target is the package's file (or the image). */
function ourRows(matches: readonly VulnMatch[], target?: string): string[] {
  return matches
    .map((m) => {
      const t = target ?? m.package.locations[0]?.path.replace(/^\//, "") ?? "";
      const name =
        m.package.type === "maven" ? `${m.package.metadata?.groupId}:${m.package.name}` : m.package.name;
      return `${t}|${name}|${m.package.version}|${m.id}|${m.fixedVersions.join(", ")}|${m.severity.toUpperCase()}`;
    })
    .sort();
}

function at(p: Package, path: string): Package {
  return { ...p, locations: [{ path: `/${path}` }] };
}

/** OS packages of a golden, with the origin / source package stated for each. */
function osPackages(g: Golden, type: "apk" | "deb", source: Record<string, string>): Package[] {
  const seen = new Map<string, Package>();
  for (const r of g.Results ?? []) {
    for (const v of r.Vulnerabilities ?? []) {
      const src = source[v.PkgName] ?? v.PkgName;
      seen.set(
        v.PkgName,
        pkg(type, v.PkgName, v.InstalledVersion, { source: { name: src, version: v.InstalledVersion } }),
      );
    }
  }
  return [...seen.values()];
}

function requirementsTxt(path: string): Package[] {
  return readFileSync(join(path, "requirements.txt"), "utf8")
    .split(/\r?\n/)
    .map((l) => /^([A-Za-z0-9_.-]+)==([^\s;#]+)/.exec(l.trim()))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => at(pkg("pypi", m[1], m[2]), "requirements.txt"));
}

/**
 * go.mod `require` entries; for a module older than go 1.17 (whose go.mod lists no indirect
 * dependencies) also the modules go.sum holds a content hash for, as Trivy does.
 */
function goMod(dir: string, rel: string): Package[] {
  const text = readFileSync(join(dir, rel), "utf8");
  const found = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const m = /^\s*(?:require\s+)?([a-z0-9.-]+\.[a-z]+\/\S+)\s+(v\S+)/.exec(line);
    if (m) found.set(m[1], m[2]);
  }
  const goDirective = /^go\s+1\.(\d+)/m.exec(text);
  if (goDirective && Number(goDirective[1]) < 17) {
    const sum = readFileSync(join(dir, rel.replace(/go\.mod$/, "go.sum")), "utf8");
    for (const line of sum.split(/\r?\n/)) {
      const m = /^(\S+)\s+(v[^\s/]+)\s+h1:/.exec(line);
      if (m && !found.has(m[1])) found.set(m[1], m[2]);
    }
  }
  return [...found].map(([name, version]) => at(pkg("golang", name, version), rel));
}

function pomXml(dir: string): Package[] {
  const text = readFileSync(join(dir, "pom.xml"), "utf8");
  const out: Package[] = [];
  for (const dep of text.matchAll(/<dependency>([\s\S]*?)<\/dependency>/g)) {
    const get = (t: string) => new RegExp(`<${t}>([^<]+)</${t}>`).exec(dep[1])?.[1]?.trim();
    const [g, a, v, scope] = [get("groupId"), get("artifactId"), get("version"), get("scope")];
    // Trivy skips test and provided scopes and unresolved ${…} versions; so does this reader.
    if (!g || !a || !v || v.includes("${") || scope === "test" || scope === "provided") continue;
    out.push(
      at(pkg("maven", a, v, { metadata: { groupId: g }, purl: `pkg:maven/${g}/${a}@${v}` }), "pom.xml"),
    );
  }
  return out;
}

async function catalogDir(dir: string, catalogers: string[]): Promise<Package[]> {
  const r = await catalogImage(`dir:${dir}`, { catalogers });
  return r.packages;
}

const ALPINE_39: OsInfo = { family: "alpine", version: "3.9.4", idLike: [], source: "etc/os-release" };
const DEBIAN_9: OsInfo = {
  family: "debian",
  version: "9.9",
  versionCodename: "stretch",
  idLike: [],
  source: "etc/os-release",
};

describe("Trivy's integration cases, replayed", { skip: trivy ? false : SKIP_NO_SHARED }, () => {
  let store: MemoryVulnStore;
  before(() => {
    store = loadTrivyFixtures(join(trivy as string, "db-fixtures")).store;
  });

  describe("alpine-39 (apk, matched by origin)", () => {
    const target = "testdata/fixtures/images/alpine-39.tar.gz (alpine 3.9.4)";
    const packages = () =>
      osPackages(golden("alpine-39", "alpine-39.json.golden"), "apk", {
        "libcrypto1.1": "openssl",
        "libssl1.1": "openssl",
        "musl-utils": "musl",
      });

    it("reports Trivy's ids, fixed versions and severities", async () => {
      const r = await matchPackages(store, { packages: packages(), os: ALPINE_39 });
      assert.deepEqual(
        ourRows(r.vulnerabilities, target),
        goldenRows(golden("alpine-39", "alpine-39.json.golden")),
      );
    });

    it("flags Alpine 3.9 as end-of-life (Trivy: EOSL true)", async () => {
      const r = await matchPackages(store, { packages: packages(), os: ALPINE_39 });
      assert.ok(
        r.notes.some((n) => n.message.includes("Alpine 3.9 is end-of-life")),
        JSON.stringify(r.notes),
      );
    });

    it("--ignore-unfixed --severity HIGH,CRITICAL gives the high-critical golden", async () => {
      const r = await matchPackages(store, { packages: packages(), os: ALPINE_39 });
      const kept = selectMatches(r.vulnerabilities, {
        ignoreUnfixed: true,
        severities: ["high", "critical"],
      }).kept;
      assert.deepEqual(
        ourRows(kept, target),
        goldenRows(golden("alpine-39", "alpine-39-high-critical.json.golden")),
      );
    });

    it("ignored ids CVE-2019-1549 and CVE-2019-14697 give the ignore-cveids golden", async () => {
      const r = await matchPackages(store, { packages: packages(), os: ALPINE_39 });
      const kept = selectMatches(r.vulnerabilities, { ignoreIds: ["CVE-2019-1549", "CVE-2019-14697"] }).kept;
      assert.deepEqual(
        ourRows(kept, target),
        goldenRows(golden("alpine-39", "alpine-39-ignore-cveids.json.golden")),
      );
    });
  });

  describe("debian-stretch (dpkg, matched by source package)", () => {
    const target = "testdata/fixtures/images/debian-stretch.tar.gz (debian 9.9)";
    const g = () => golden("debian-stretch", "expected.json.golden");
    const packages = () =>
      osPackages(g(), "deb", { e2fslibs: "e2fsprogs", libcomerr2: "e2fsprogs", libss2: "e2fsprogs" });

    it("reports Trivy's ids, fixed versions and severities; the DSA id is an alias", async () => {
      const r = await matchPackages(store, { packages: packages(), os: DEBIAN_9 });
      assert.deepEqual(ourRows(r.vulnerabilities, target), goldenRows(g()));
      for (const m of r.vulnerabilities.filter((v) => v.id === "CVE-2019-5094")) {
        assert.deepEqual(m.aliases, ["DSA-4535-1"]);
        assert.equal(m.severitySource, "cvss-v3.1", "no Debian urgency: NVD's vector (Trivy: nvd)");
      }
    });

    it("bash CVE-2019-18276: Debian urgency low, end-of-life status, no fix; hidden by --ignore-unfixed", async () => {
      const r = await matchPackages(store, { packages: packages(), os: DEBIAN_9 });
      const bash = r.vulnerabilities.find((v) => v.package.name === "bash");
      assert.equal(bash?.id, "CVE-2019-18276");
      assert.equal(bash?.severity, "low");
      assert.equal(bash?.severitySource, "debian-urgency");
      assert.equal(bash?.status, "end-of-life");
      assert.deepEqual(bash?.fixedVersions, []);
      const kept = selectMatches(r.vulnerabilities, { ignoreUnfixed: true }).kept;
      assert.ok(!kept.some((v) => v.package.name === "bash"));
      assert.equal(kept.length, 4);
    });

    it("a binNMU binary (+b1) is matched at its source version", async () => {
      const bin = pkg("deb", "libss2", "1.43.4-2+b1", { source: { name: "e2fsprogs" } });
      const r = await matchPackages(store, { packages: [bin], os: DEBIAN_9 });
      assert.deepEqual(
        r.vulnerabilities.map((v) => [v.id, v.fixedVersions]),
        [["CVE-2019-5094", ["1.43.4-2+deb9u1"]]],
      );
    });
  });

  describe("goldens not in shared/vectors, restated (alpine-310, ubuntu-1804, debian-buster, photon-30, opensuse-leap-151, almalinux-8, rockylinux-8)", () => {
    // Rows of Trivy's integration/testdata/{alpine-310,ubuntu-1804,debian-buster,photon-30,opensuse-leap-151,
    // almalinux-8,rockylinux-8}.json.golden:
    // package|installed|id|fixed|SEVERITY. The image package lists are not in Trivy's repository;
    // the installed versions are the goldens' (e2fsprogs's binaries share its source version).
    const UBUNTU_1804: OsInfo = {
      family: "ubuntu",
      version: "18.04",
      idLike: ["debian"],
      source: "etc/os-release",
    };
    const row = (m: VulnMatch) =>
      `${m.package.name}|${m.package.version}|${m.id}|${m.fixedVersions.join(", ")}|${m.severity.toUpperCase()}`;

    it("ubuntu-1804: unfixed bash CVE-2019-18276 (Ubuntu priority low, status open), e2fsprogs fixed", async () => {
      const e2fs = "1.44.1-1ubuntu1.1";
      const packages = [
        pkg("deb", "bash", "4.4.18-2ubuntu1.2"),
        ...["e2fsprogs", "libcom-err2", "libext2fs2", "libss2"].map((n) =>
          pkg("deb", n, e2fs, { source: { name: "e2fsprogs", version: e2fs } }),
        ),
      ];
      const r = await matchPackages(store, { packages, os: UBUNTU_1804 });
      assert.deepEqual(r.vulnerabilities.map(row).sort(), [
        "bash|4.4.18-2ubuntu1.2|CVE-2019-18276||LOW",
        "e2fsprogs|1.44.1-1ubuntu1.1|CVE-2019-5094|1.44.1-1ubuntu1.2|MEDIUM",
        "libcom-err2|1.44.1-1ubuntu1.1|CVE-2019-5094|1.44.1-1ubuntu1.2|MEDIUM",
        "libext2fs2|1.44.1-1ubuntu1.1|CVE-2019-5094|1.44.1-1ubuntu1.2|MEDIUM",
        "libss2|1.44.1-1ubuntu1.1|CVE-2019-5094|1.44.1-1ubuntu1.2|MEDIUM",
      ]);
      const bash = r.vulnerabilities.find((v) => v.package.name === "bash");
      assert.equal(bash?.status, "open", "Trivy: Status affected");
      assert.equal(bash?.severitySource, "ubuntu-priority", "Trivy: SeveritySource ubuntu");
      assert.ok(
        r.notes.some((n) => n.message.includes("Ubuntu 18.04 LTS is end-of-life")),
        "Trivy: EOSL true",
      );
      const fixedOnly = selectMatches(r.vulnerabilities, { ignoreUnfixed: true }).kept;
      assert.ok(!fixedOnly.some((v) => v.package.name === "bash"));
    });

    it("alpine-310: libcrypto1.1 and libssl1.1 1.1.1c-r0 (origin openssl) → CVE-2019-1549 and CVE-2019-1551, MEDIUM", async () => {
      const packages = ["libcrypto1.1", "libssl1.1"].map((n) =>
        pkg("apk", n, "1.1.1c-r0", { source: { name: "openssl", version: "1.1.1c-r0" } }),
      );
      const os: OsInfo = { family: "alpine", version: "3.10.2", idLike: [], source: "etc/os-release" };
      const r = await matchPackages(store, { packages, os });
      assert.deepEqual(r.vulnerabilities.map(row).sort(), [
        "libcrypto1.1|1.1.1c-r0|CVE-2019-1549|1.1.1d-r0|MEDIUM",
        "libcrypto1.1|1.1.1c-r0|CVE-2019-1551|1.1.1d-r2|MEDIUM",
        "libssl1.1|1.1.1c-r0|CVE-2019-1549|1.1.1d-r0|MEDIUM",
        "libssl1.1|1.1.1c-r0|CVE-2019-1551|1.1.1d-r2|MEDIUM",
      ]);
    });

    it("debian-buster: unfixed bash CVE-2019-18276 (Debian urgency low), libidn2-0 fixed with its DSA", async () => {
      const DEBIAN_10: OsInfo = { family: "debian", version: "10.1", idLike: [], source: "etc/os-release" };
      const packages = [
        pkg("deb", "bash", "5.0-4"),
        pkg("deb", "libidn2-0", "2.0.5-1", { source: { name: "libidn2", version: "2.0.5-1" } }),
      ];
      const r = await matchPackages(store, { packages, os: DEBIAN_10 });
      assert.deepEqual(r.vulnerabilities.map(row).sort(), [
        "bash|5.0-4|CVE-2019-18276||LOW",
        "libidn2-0|2.0.5-1|CVE-2019-18224|2.0.5-1+deb10u1|CRITICAL",
      ]);
      const [bash, idn] = r.vulnerabilities;
      assert.deepEqual(
        [bash.status, bash.severitySource],
        ["open", "debian-urgency"],
        "Trivy: affected, debian",
      );
      assert.deepEqual(idn.aliases, ["DSA-4613-1"], "Trivy: VendorIDs");
      const fixedOnly = selectMatches(r.vulnerabilities, { ignoreUnfixed: true }).kept;
      assert.deepEqual(
        fixedOnly.map((v) => v.id),
        ["CVE-2019-18224"],
        "Trivy: debian-buster-ignore-unfixed",
      );
    });

    it("photon-30: matched by source rpm (curl-libs through curl), installed rpm version", async () => {
      const packages = [
        pkg("rpm", "bash", "4.4.18-1.ph3", { source: { name: "bash", version: "4.4.18-1.ph3" } }),
        pkg("rpm", "curl", "7.61.1-4.ph3", { source: { name: "curl", version: "7.61.1-4.ph3" } }),
        pkg("rpm", "curl-libs", "7.61.1-4.ph3", { source: { name: "curl", version: "7.61.1-4.ph3" } }),
      ];
      const r = await matchPackages(store, {
        packages,
        os: { family: "photon", version: "3.0", idLike: [], source: "etc/os-release" },
      });
      assert.deepEqual(r.vulnerabilities.map(row).sort(), [
        "bash|4.4.18-1.ph3|CVE-2019-18276|4.4.18-2.ph3|HIGH",
        "curl-libs|7.61.1-4.ph3|CVE-2019-5481|7.61.1-5.ph3|CRITICAL",
        "curl|7.61.1-4.ph3|CVE-2019-5481|7.61.1-5.ph3|CRITICAL",
      ]);
    });

    // Trivy rates this MEDIUM from SUSE's CVRF; the fixture gives no vector and no rating an OSV
    // record would carry, so Portcullis says unknown (docs/scan-matching.md).
    it("opensuse-leap-151: openSUSE-SU advisory ids, binary package names", async () => {
      const packages = ["libopenssl1_1", "openssl-1_1"].map((n) =>
        pkg("rpm", n, "1.1.0i-lp151.8.3.1", { source: { name: "openssl-1_1" } }),
      );
      const r = await matchPackages(store, {
        packages,
        os: { family: "opensuse-leap", version: "15.1", idLike: ["suse"], source: "etc/os-release" },
      });
      assert.deepEqual(
        r.vulnerabilities.map((v) => `${v.package.name}|${v.id}|${v.fixedVersions.join(",")}`).sort(),
        [
          "libopenssl1_1|openSUSE-SU-2020:0062-1|1.1.0i-lp151.8.6.1",
          "openssl-1_1|openSUSE-SU-2020:0062-1|1.1.0i-lp151.8.6.1",
        ],
      );
    });

    for (const [name, os] of [
      ["almalinux-8", { family: "almalinux", version: "8.5" }],
      ["rockylinux-8", { family: "rocky", version: "8.5" }],
    ] as const) {
      it(`${name}: openssl-libs 1:1.1.1k-4.el8 → CVE-2021-3712 only, rated by the errata impact (MEDIUM)`, async () => {
        const r = await matchPackages(store, {
          packages: [pkg("rpm", "openssl-libs", "1:1.1.1k-4.el8", { source: { name: "openssl" } })],
          os: { ...os, idLike: ["rhel"], source: "etc/os-release" },
        });
        assert.deepEqual(r.vulnerabilities.map(row), [
          "openssl-libs|1:1.1.1k-4.el8|CVE-2021-3712|1:1.1.1k-5.el8_5|MEDIUM",
        ]);
        assert.equal(r.vulnerabilities[0].severitySource, "errata-impact");
      });
    }
  });

  it("npm: package-lock.json through the npm cataloger → jquery CVE-2019-11358 (GHSA rating)", async () => {
    const packages = await catalogDir(join(trivy as string, "npm", "input"), ["npm-lock"]);
    assert.ok(packages.length > 0);
    const r = await matchPackages(store, { packages });
    assert.deepEqual(ourRows(r.vulnerabilities), goldenRows(golden("npm", "expected.json.golden")));
    assert.equal(r.vulnerabilities[0]?.severitySource, "ghsa");
  });

  it("pip: requirements.txt pins → Werkzeug 0.11's two advisories (PEP 503: werkzeug in the data)", async () => {
    const r = await matchPackages(store, {
      packages: requirementsTxt(join(trivy as string, "pip", "input")),
    });
    assert.deepEqual(ourRows(r.vulnerabilities), goldenRows(golden("pip", "expected.json.golden")));
  });

  it("gomod: three go.mod files → GMS-2022-20 in each, opa and x/text in the root", async () => {
    const dir = join(trivy as string, "gomod", "input");
    const packages = ["go.mod", "submod/go.mod", "submod2/go.mod"].flatMap((f) => goMod(dir, f));
    const r = await matchPackages(store, { packages });
    assert.deepEqual(ourRows(r.vulnerabilities), goldenRows(golden("gomod", "expected.json.golden")));
  });

  it("pom: jackson-databind 2.9.1 → GHSA and GitLab advisories (Maven [a,b) and <= ranges)", async () => {
    const r = await matchPackages(store, { packages: pomXml(join(trivy as string, "pom", "input")) });
    assert.deepEqual(ourRows(r.vulnerabilities), goldenRows(golden("pom", "expected.json.golden")));
  });

  it("cargo: Cargo.lock through the cargo cataloger → nothing (ammonia is not in the lock file)", async () => {
    const packages = await catalogDir(join(trivy as string, "cargo", "input"), ["cargo-lock"]);
    assert.ok(packages.some((p) => p.name === "regex"));
    const r = await matchPackages(store, { packages });
    assert.deepEqual(ourRows(r.vulnerabilities), goldenRows(golden("cargo", "expected.json.golden")));
  });

  it("cargo: the patched-versions complement matches ammonia between the patched intervals", async () => {
    const r = await matchPackages(store, {
      packages: [
        pkg("cargo", "ammonia", "2.1.2"),
        pkg("cargo", "ammonia", "3.0.5"),
        pkg("cargo", "ammonia", "3.1.0"),
      ],
    });
    const rows = r.vulnerabilities.map((v) => `${v.package.version} ${v.id}`);
    // CVE-2019-15542 patched >= 2.1.0; CVE-2021-38193 patched >= 3.1.0 or >= 2.1.3 < 3.0.0.
    assert.deepEqual(rows, ["2.1.2 CVE-2021-38193", "3.0.5 CVE-2021-38193"]);
  });

  it("severity variants: --severity filters rows only, never changes them", async () => {
    const packages = requirementsTxt(join(trivy as string, "pip", "input"));
    const r = await matchPackages(store, { packages });
    const only = (s: VulnSeverity[]) =>
      selectMatches(r.vulnerabilities, { severities: s }).kept.map((v) => v.id);
    assert.deepEqual(only(["high"]), ["CVE-2019-14806"]);
    assert.deepEqual(only(["medium"]), ["CVE-2020-28724"]);
  });
});
