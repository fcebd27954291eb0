/**
 * Every file in shared/vectors/versions (and extra/): compareVersions(scheme, a, b) must equal the
 * reference implementation's answer. `<scheme>.json` and `<scheme>-upstream.json` are required;
 * extra/ files are reported but known, documented disagreements there do not fail the run.
 */
import assert from "node:assert/strict";
import { readdirSync } from "node:fs";
import { after, describe, it } from "node:test";
import { compareVersions, isVersionScheme } from "../../src/version/index.js";
import { readVectorJson, SKIP_NO_SHARED, vectorPath } from "../support/shared.js";

interface VersionCase {
  a: string;
  b: string;
  expected: -1 | 0 | 1;
  from?: string;
  note?: string;
}
interface VectorFile {
  scheme: string;
  source: string;
  cases: VersionCase[];
}

/** extra/ cases this library deliberately answers differently (see docs/versions.md). */
const KNOWN_EXTRA_DISAGREEMENTS: Record<string, string> = {
  "maven-extra.json":
    "MNG-7714 is Maven 3.9+ order; compareVersions follows Maven 3.8's ComparableVersion, as maven.json does",
};

const dir = vectorPath("versions");
const files = dir
  ? [
      ...readdirSync(dir)
        .filter((f) => f.endsWith(".json"))
        .map((f) => ({ rel: [f], required: true })),
      ...readdirSync(`${dir}/extra`)
        .filter((f) => f.endsWith(".json"))
        .map((f) => ({ rel: ["extra", f], required: false })),
    ].sort((x, y) => x.rel.join("/").localeCompare(y.rel.join("/")))
  : [];

const agreement: string[] = [];
after(() => {
  if (agreement.length > 0)
    console.log(`version vectors agreement:\n${agreement.map((l) => `  ${l}`).join("\n")}`);
});

function outcome(scheme: string, c: VersionCase): number | string {
  try {
    return compareVersions(scheme, c.a, c.b);
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

describe("version vectors (shared/vectors/versions)", { skip: dir ? false : SKIP_NO_SHARED }, () => {
  it("has the required per-scheme files", () => {
    const names = files.filter((f) => f.required).map((f) => f.rel[0]);
    for (const s of ["semver", "pep440", "maven", "dpkg", "apk", "rpm", "gem"]) {
      assert.ok(names.includes(`${s}.json`), `${s}.json present`);
    }
  });

  for (const f of files) {
    const name = f.rel.join("/");
    const data = readVectorJson<VectorFile>("versions", ...f.rel)!;
    describe(`${name} (${data.cases.length} cases, scheme ${data.scheme})`, () => {
      it("names a known scheme", () => assert.ok(isVersionScheme(data.scheme), data.scheme));
      const known = f.required ? undefined : KNOWN_EXTRA_DISAGREEMENTS[f.rel[1]!];
      const failures: string[] = [];
      let agree = 0;
      for (const c of data.cases) {
        const got = outcome(data.scheme, c);
        if (got === c.expected) agree++;
        else
          failures.push(
            `${JSON.stringify(c.a)} vs ${JSON.stringify(c.b)}: expected ${c.expected}, got ${got}`,
          );
      }
      agreement.push(
        `${name}: ${agree}/${data.cases.length} (${((100 * agree) / data.cases.length).toFixed(1)}%)${f.required ? "" : " [extra]"}`,
      );
      if (known) {
        it(`agrees except for a documented difference: ${known}`, () => {
          // Every disagreement must be the documented one: ours must then be the exact opposite.
          for (const c of data.cases) {
            const got = outcome(data.scheme, c);
            if (got !== c.expected) assert.equal(got, -c.expected, `${c.a} vs ${c.b}`);
          }
        });
      } else {
        it("agrees with the reference implementation on every case", () => {
          assert.deepEqual(failures, [], `${failures.length} of ${data.cases.length} disagree`);
        });
      }
    });
  }
});
