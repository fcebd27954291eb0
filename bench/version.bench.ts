/**
 * Version comparison throughput: comparisons per second for each scheme, over the shared vector
 * pairs (or a small built-in set when the shared folder is absent). Prints figures; asserts nothing.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { compareVersions, VERSION_SCHEMES } from "../src/version/index.js";
import { sharedDir } from "../test/support/shared.js";

const FALLBACK: Record<string, [string, string][]> = {
  semver: [
    ["1.2.3", "1.2.4-rc.1"],
    ["2.0.0+build", "2.0.0"],
  ],
  pep440: [
    ["1.0.post1", "1.0rc1"],
    ["2!1.0", "1.0.dev3"],
  ],
  maven: [
    ["1.0-SNAPSHOT", "1.0"],
    ["2.3.27.Final", "2.3.27.RELEASE"],
  ],
  dpkg: [
    ["1:2.36-9+deb12u4", "1:2.36-9+deb12u14"],
    ["1.0~rc1-1", "1.0-1"],
  ],
  apk: [
    ["1.2.3_rc1-r0", "1.2.3-r1"],
    ["3.1.4_p2-r5", "3.1.4-r5"],
  ],
  rpm: [
    ["3.10.0-327.28.3.el7", "3.10.0-327.el7"],
    ["1:1.0^git1", "1:1.0~rc1"],
  ],
  gem: [
    ["1.0.0.pre.1", "1.0.0"],
    ["7.1.3.2", "7.1.3"],
  ],
  go: [
    ["v1.2.4-0.20191109021931-daa7c04131f5", "v1.2.3"],
    ["go1.21rc1", "go1.21.3"],
  ],
};

function pairsFor(scheme: string): [string, string][] {
  const file = sharedDir ? join(sharedDir, "vectors", "versions", `${scheme}.json`) : undefined;
  if (file && existsSync(file)) {
    const data = JSON.parse(readFileSync(file, "utf8")) as { cases: { a: string; b: string }[] };
    return data.cases.map((c) => [c.a, c.b]);
  }
  return FALLBACK[scheme]!;
}

export default async function (): Promise<void> {
  for (const scheme of VERSION_SCHEMES) {
    const pairs = pairsFor(scheme);
    // Warm up, then run for about one second.
    for (let i = 0; i < 2000; i++) {
      const [a, b] = pairs[i % pairs.length]!;
      compareVersions(scheme, a, b);
    }
    let n = 0;
    let sink = 0;
    const start = process.hrtime.bigint();
    let elapsed = 0;
    while (elapsed < 1e9) {
      for (const [a, b] of pairs) sink += compareVersions(scheme, a, b);
      n += pairs.length;
      elapsed = Number(process.hrtime.bigint() - start);
    }
    const perSec = Math.round((n / elapsed) * 1e9);
    // Printing the checksum keeps the comparisons from being optimised away.
    console.log(
      `  ${scheme.padEnd(7)} ${perSec.toLocaleString("en-US").padStart(12)} comparisons/s  (${pairs.length} distinct pairs, checksum ${sink})`,
    );
  }
}
