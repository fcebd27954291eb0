/**
 * Unit tests per version scheme: orderings each reference tool documents, the properties a
 * comparison must have (antisymmetry and reflexivity over every shared vector), and typed errors
 * for versions a scheme cannot read.
 */
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { describe, it } from "node:test";
import {
  compareVersions,
  explainInvalidVersion,
  InvalidVersionError,
  isValidVersion,
  UnknownVersionSchemeError,
  VERSION_SCHEMES,
} from "../../src/index.js";
import { validateApkVersionStrict } from "../../src/version/apk.js";
import { isGoPseudoVersion } from "../../src/version/go.js";
import { canonicalMavenVersion, parseMavenVersion } from "../../src/version/maven.js";
import { compareExactPep440 } from "../../src/version/pep440.js";
import { readVectorJson, SKIP_NO_SHARED, vectorPath } from "../support/shared.js";

/** Assert that `versions` is strictly increasing in `scheme`, checking every pair both ways. */
function assertAscending(scheme: string, versions: string[]): void {
  for (let i = 0; i < versions.length; i++) {
    for (let j = 0; j < versions.length; j++) {
      const want = Math.sign(i - j);
      assert.equal(
        compareVersions(scheme, versions[i]!, versions[j]!),
        want,
        `${scheme}: ${versions[i]} ${want < 0 ? "<" : want > 0 ? ">" : "="} ${versions[j]}`,
      );
    }
  }
}

function assertEqualVersions(scheme: string, pairs: [string, string][]): void {
  for (const [a, b] of pairs) assert.equal(compareVersions(scheme, a, b), 0, `${scheme}: ${a} = ${b}`);
}

function assertInvalid(scheme: string, version: string, reason?: RegExp): void {
  assert.equal(isValidVersion(scheme, version), false, `${scheme} ${JSON.stringify(version)} is invalid`);
  assert.throws(
    () => compareVersions(scheme, version, version),
    (e: unknown) =>
      e instanceof InvalidVersionError &&
      e.code === "INVALID_VERSION" &&
      e.scheme === scheme &&
      e.version === version &&
      e.message.includes(scheme) &&
      e.message.includes(JSON.stringify(version)) &&
      (reason === undefined || reason.test(e.reason)),
  );
  // The valid operand does not mask the invalid one, on either side.
  const valid = {
    semver: "1.0.0",
    pep440: "1.0",
    maven: "1.0",
    dpkg: "1.0",
    apk: "1.0",
    rpm: "1.0",
    gem: "1.0",
    go: "v1.0.0",
  }[scheme]!;
  assert.throws(() => compareVersions(scheme, valid, version), InvalidVersionError);
}

describe("dpkg", () => {
  it("orders ~ before the end, the end before letters, letters before other characters", () => {
    assertAscending("dpkg", ["1.0~~", "1.0~~a", "1.0~", "1.0", "1.0a", "1.0+", "1.0.1", "1.1"]);
  });
  it("orders epoch, then upstream, then revision", () => {
    assertAscending("dpkg", ["1.0-1", "1.0-1ubuntu1", "1.0-2", "1.0.1-1", "1:0.1-1", "2:0-0"]);
    assertEqualVersions("dpkg", [
      ["1.0", "0:1.0"],
      ["1.0", "1.0-0"],
      ["1.01", "1.1"],
      [" 1.0 ", "1.0"],
    ]);
  });
  it("refuses what dpkg refuses, with dpkg's reason", () => {
    assertInvalid("dpkg", "", /empty/);
    assertInvalid("dpkg", "1.0 1", /embedded spaces/);
    assertInvalid("dpkg", "a:1.0", /epoch/);
    assertInvalid("dpkg", "-1:1.0", /negative/);
    assertInvalid("dpkg", "1:", /nothing after colon/);
    assertInvalid("dpkg", "1.0-", /revision number is empty/);
    assertInvalid("dpkg", "1:-1", /version number is empty/);
  });
  it("accepts what dpkg only warns about", () => {
    assert.equal(isValidVersion("dpkg", "a-0"), true);
    assert.equal(compareVersions("dpkg", "a-0", "b-0"), -1);
  });
});

describe("rpm", () => {
  it("orders ~ before the end and ^ after the end but before more version", () => {
    assertAscending("rpm", ["1.0~rc1", "1.0~rc2", "1.0", "1.0^git1", "1.0^git2", "1.0.1"]);
  });
  it("compares numbers as integers and numbers above letters", () => {
    assertAscending("rpm", ["1.0a", "1.0.0", "1.1", "1.2", "1.10", "1.010a"]);
    assertEqualVersions("rpm", [
      ["1.01", "1.1"],
      ["1_0", "1.0"],
      ["0:1.0-1", "1.0-1"],
    ]);
  });
  it("orders epoch first and a missing release before a present one", () => {
    assertAscending("rpm", ["1.0", "1.0-1.el9", "1.0-2.el9", "2.0-1", "1:0.1-1"]);
  });
  it("refuses a NUL character", () => assertInvalid("rpm", "1.0\0", /NUL/));
});

describe("apk", () => {
  it("orders pre-release suffixes, the plain version, post-release suffixes, revisions", () => {
    assertAscending("apk", [
      "1.0_alpha1",
      "1.0_beta",
      "1.0_pre2",
      "1.0_rc1",
      "1.0",
      "1.0-r1",
      "1.0-r10",
      "1.0_cvs",
      "1.0_svn",
      "1.0_git20240101",
      "1.0_hg",
      "1.0_p1",
      "1.0a",
      "1.0.1",
    ]);
  });
  it("treats a component with leading zeros as smaller than one without", () => {
    assertAscending("apk", ["1.0", "1.001", "1.01", "1.1"]);
  });
  it("orders commit hashes and compares an invalid tail like apk version -t", () => {
    assertAscending("apk", ["1.0_git20240101~0abc-r0", "1.0_git20240101~0abd-r0", "1.0_git20240101~0abd-r1"]);
    assertAscending("apk", ["1.0", "1.0bc"]);
  });
  it("refuses empty versions and versions that do not start with a digit", () => {
    assertInvalid("apk", "", /empty/);
    assertInvalid("apk", "r1.0", /digit/);
  });
  it("reports the full grammar separately", () => {
    assert.equal(validateApkVersionStrict("1.2.3_rc1-r0"), undefined);
    assert.match(validateApkVersionStrict("1.0bc") ?? "", /offset 4/);
    assert.match(validateApkVersionStrict("1.0_foo") ?? "", /unexpected/);
  });
});

describe("maven", () => {
  it("orders qualifiers alpha < beta < milestone < rc < snapshot < release < sp < unknown", () => {
    assertAscending("maven", [
      "1-alpha1",
      "1-alpha2",
      "1-beta1",
      "1-milestone1",
      "1-rc1",
      "1-snapshot",
      "1",
      "1-sp1",
      "1-abc",
      "1-1",
      "1.1",
    ]);
  });
  it("treats aliases, padding and case like ComparableVersion", () => {
    assertEqualVersions("maven", [
      ["1", "1.0.0"],
      ["1-ga", "1"],
      ["1.final", "1"],
      ["1.RELEASE", "1"],
      ["1-cr1", "1-RC1"],
      ["1a1", "1-alpha-1"],
      ["2.0.abc", "2-abc"],
      ["1.0.0-SNAPSHOT", "1-snapshot"],
    ]);
    assert.equal(canonicalMavenVersion(parseMavenVersion("1.0.0.RC1")), "1-rc-1");
  });
  it("compares numbers of any size", () => {
    assertAscending("maven", [
      "2147483647",
      "2147483648",
      "9223372036854775807",
      "9223372036854775808",
      "1" + "0".repeat(40),
    ]);
  });
  it("refuses empty versions and whitespace", () => {
    assertInvalid("maven", "", /empty/);
    assertInvalid("maven", "1.0 beta", /whitespace/);
  });
});

describe("gem", () => {
  it("orders prereleases (any letter) before the release", () => {
    assertAscending("gem", [
      "1.0.a",
      "1.0.a.1",
      "1.0.b1",
      "1.0.pre",
      "1.0.rc1",
      "1.0",
      "1.0.1",
      "1.1.a",
      "1.1",
    ]);
  });
  it("drops trailing zeros and reads - as .pre.", () => {
    assertEqualVersions("gem", [
      ["1.0.0", "1"],
      ["1.0.a.0", "1.a"],
      ["1.0-1", "1.0.pre.1"],
      ["", "0"],
      ["  1.2 ", "1.2"],
    ]);
  });
  it("refuses malformed version strings", () => {
    assertInvalid("gem", "1a", /malformed/);
    assertInvalid("gem", "junk", /malformed/);
    assertInvalid("gem", "1..2", /malformed/);
  });
});

describe("pep440", () => {
  it("orders dev < pre < release < post, and local after public", () => {
    assertAscending("pep440", [
      "1.0.dev1",
      "1.0a1.dev1",
      "1.0a1",
      "1.0b1",
      "1.0rc1",
      "1.0",
      "1.0+local.1",
      "1.0+local.2",
      "1.0.post1.dev1",
      "1.0.post1",
      "1.1",
      "1!0.1",
    ]);
  });
  it("normalises spellings", () => {
    assertEqualVersions("pep440", [
      ["1.0c1", "1.0rc1"],
      ["1.0-1", "1.0.post1"],
      ["1.0alpha1", "1.0a1"],
      ["v1.0", "1.0"],
      ["1.0.0", "1"],
      ["\u00a01.0\n", "1.0"],
    ]);
  });
  it("compares numbers beyond 2^53 exactly", () => {
    assertAscending("pep440", ["1.12345678901234567", "1.12345678901234568", "1.123456789012345678"]);
    assertAscending("pep440", ["1.0.post9007199254740993", "1.0.post9007199254740994"]);
  });
  it("refuses non-PEP 440 versions", () => {
    assertInvalid("pep440", "1.0-beta-x", /PEP 440/);
    assertInvalid("pep440", "", /PEP 440/);
    assertInvalid("pep440", "latest", /PEP 440/);
  });
  const data = readVectorJson<{ cases: { a: string; b: string; expected: number }[] }>(
    "versions",
    "pep440-upstream.json",
  );
  it("exact path agrees with the expected order on every upstream vector", {
    skip: data ? false : SKIP_NO_SHARED,
  }, () => {
    for (const c of data!.cases)
      assert.equal(compareExactPep440(c.a.trim(), c.b.trim()), c.expected, `${c.a} vs ${c.b}`);
  });
});

describe("semver", () => {
  it("follows SemVer 2.0.0 precedence and ignores build metadata", () => {
    assertAscending("semver", [
      "1.0.0-alpha",
      "1.0.0-alpha.1",
      "1.0.0-alpha.beta",
      "1.0.0-beta",
      "1.0.0-beta.2",
      "1.0.0-beta.11",
      "1.0.0-rc.1",
      "1.0.0",
      "1.0.1",
      "1.10.0",
    ]);
    assertEqualVersions("semver", [
      ["1.0.0+build.1", "1.0.0+build.2"],
      ["v1.2.3", "1.2.3"],
      ["=1.2.3", "1.2.3"],
    ]);
  });
  it("refuses what node-semver cannot read", () => {
    assertInvalid("semver", "1.2", /semantic version/);
    assertInvalid("semver", "1.2.3.4", /semantic version/);
    assertInvalid("semver", "latest", /semantic version/);
    assertInvalid("semver", "99999999999999999.0.0", /semantic version/);
  });
});

describe("go", () => {
  it("orders module versions, pseudo-versions and +incompatible like x/mod/semver", () => {
    assertAscending("go", [
      "v0.0.0-20190101000000-abcdefabcdef",
      "v0.0.0-20200101000000-abcdefabcdef",
      "v0.1.0",
      "v1.2.3",
      "v1.2.4-0.20191109021931-daa7c04131f5",
      "v1.2.4-rc.1",
      "v1.2.4",
      "v2.0.0+incompatible",
      "v2.1.0",
    ]);
    assertEqualVersions("go", [
      ["v1", "v1.0.0"],
      ["v1.2", "v1.2.0"],
      ["v2.0.0+incompatible", "v2.0.0"],
      ["0.0.0-20220315000000-abcdefabcdef", "v0.0.0-20220315000000-abcdefabcdef"],
    ]);
    assert.equal(isGoPseudoVersion("v1.2.4-0.20191109021931-daa7c04131f5"), true);
    assert.equal(isGoPseudoVersion("v0.0.0-20191109021931-daa7c04131f5"), true);
    assert.equal(isGoPseudoVersion("v1.2.4-rc.1"), false);
  });
  it("orders toolchain versions like go/version", () => {
    assertAscending("go", [
      "go1.9beta1",
      "go1.9rc2",
      "go1.9",
      "1.9.1",
      "go1.20rc1",
      "go1.20.3",
      "go1.21",
      "go1.21rc1",
      "go1.21.0",
      "1.21.3",
    ]);
    assertEqualVersions("go", [
      ["go1.20", "go1.20.0"],
      ["go1.21.3", "v1.21.3"],
      ["1.21.3", "go1.21.3"],
    ]);
  });
  it("refuses what Go would not read", () => {
    assertInvalid("go", "v1.2-pre", /module version/);
    assertInvalid("go", "v01.2.3", /module version/);
    assertInvalid("go", "go1.21.3rc1", /toolchain/);
    assertInvalid("go", "latest", /Go version/);
    assertInvalid("go", " v1.0.0", /whitespace/);
  });
});

describe("compareVersions", () => {
  it("lists every scheme of the contract", () => {
    assert.deepEqual([...VERSION_SCHEMES].sort(), [
      "apk",
      "dpkg",
      "gem",
      "go",
      "maven",
      "pep440",
      "rpm",
      "semver",
    ]);
  });
  it("throws a typed error for an unknown scheme", () => {
    assert.throws(
      () => compareVersions("npm", "1.0.0", "1.0.0"),
      (e: unknown) =>
        e instanceof UnknownVersionSchemeError && e.code === "UNKNOWN_SCHEME" && /semver/.test(e.message),
    );
    assert.throws(() => isValidVersion("nuget", "1.0"), UnknownVersionSchemeError);
  });
  it("throws a typed error for a version that is not a string", () => {
    for (const scheme of VERSION_SCHEMES) {
      assert.throws(
        () => compareVersions(scheme, undefined as unknown as string, "1.0"),
        InvalidVersionError,
      );
      assert.equal(isValidVersion(scheme, 42 as unknown as string), false);
      assert.match(explainInvalidVersion(scheme, null as unknown as string) ?? "", /expected a string/);
    }
  });

  const dir = vectorPath("versions");
  it("is antisymmetric and reflexive on every shared vector", { skip: dir ? false : SKIP_NO_SHARED }, () => {
    const rel = [
      ...readdirSync(dir!)
        .filter((f) => f.endsWith(".json"))
        .map((f) => [f]),
      ...readdirSync(`${dir}/extra`)
        .filter((f) => f.endsWith(".json"))
        .map((f) => ["extra", f]),
    ];
    let n = 0;
    for (const r of rel) {
      const data = readVectorJson<{ scheme: string; cases: { a: string; b: string }[] }>("versions", ...r)!;
      for (const c of data.cases) {
        const ab = compareVersions(data.scheme, c.a, c.b);
        const ba = compareVersions(data.scheme, c.b, c.a);
        assert.equal(ab, -ba || 0, `${data.scheme}: ${c.a} vs ${c.b} gives ${ab}, reversed ${ba}`);
        assert.equal(compareVersions(data.scheme, c.a, c.a), 0, `${data.scheme}: ${c.a} vs itself`);
        assert.equal(isValidVersion(data.scheme, c.a) && isValidVersion(data.scheme, c.b), true);
        n++;
      }
    }
    assert.ok(n > 4000, `checked ${n} cases`);
  });
});
