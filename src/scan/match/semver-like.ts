/**
 * A tolerant reading of semantic versions for range evaluation, used where node-semver (strict
 * or loose) cannot read a version that advisories nevertheless write: short bounds such as
 * `"fixed": "1"` or `"fixed": "0"`, four-part versions such as `0.0.0.1`, `2.0.0rc2`. OSV
 * consumers (osv-scanner) read SEMVER-ordered ecosystems this way, so an advisory whose bound is
 * `1` still ends at 1.0.0 instead of being skipped:
 * - an optional leading `v`, then dot-separated numeric components (any count, missing ones = 0);
 *   the first character that is neither a digit nor a dot starts the suffix, and so do the
 *   components after the third (`0.0.0.1` = 0.0.0 with suffix `.1`);
 * - the suffix is compared as a SemVer pre-release (build metadata after `+` dropped, one leading
 *   `-` dropped): a version with a suffix sorts before the same version without one; identifiers
 *   compare numerically when all digits, numeric before alphanumeric, more identifiers after
 *   fewer.
 * Only versions that start with a digit (after an optional `v`) are read. For versions
 * node-semver reads, the order is node-semver's (./version-cache.ts uses this only as a
 * fallback). Not a version scheme of its own (src/version).
 */

interface SemverLike {
  components: bigint[];
  suffix: string;
}

const READABLE = /^v?\d/;

export function isSemverLike(v: string): boolean {
  return READABLE.test(v);
}

function parse(v: string): SemverLike {
  const text = v.startsWith("v") ? v.slice(1) : v;
  const all: bigint[] = [];
  let i = 0;
  let current = "";
  for (; i < text.length; i++) {
    const c = text[i];
    if (c >= "0" && c <= "9") {
      current += c;
      continue;
    }
    if (current !== "") {
      all.push(BigInt(current));
      current = "";
    }
    if (c !== ".") break;
  }
  if (current !== "") all.push(BigInt(current));
  let suffix = i < text.length ? text.slice(i) : "";
  const components = all.slice(0, 3);
  for (const extra of all.slice(3)) suffix += `.${extra}`;
  return { components, suffix };
}

function compareComponents(a: readonly bigint[], b: readonly bigint[]): number {
  const n = Math.max(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i] ?? 0n;
    const y = b[i] ?? 0n;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

function compareSuffix(a: string, b: string): number {
  const pa = a.split("+")[0].replace(/^-/, "");
  const pb = b.split("+")[0].replace(/^-/, "");
  if (pa === "" && pb !== "") return 1;
  if (pa !== "" && pb === "") return -1;
  if (pa === pb) return 0;
  const xs = pa.split(".");
  const ys = pb.split(".");
  for (let i = 0; i < Math.min(xs.length, ys.length); i++) {
    const x = xs[i];
    const y = ys[i];
    const xn = /^\d+$/.test(x);
    const yn = /^\d+$/.test(y);
    let r = 0;
    if (xn && yn) r = BigInt(x) === BigInt(y) ? 0 : BigInt(x) < BigInt(y) ? -1 : 1;
    else if (!xn && !yn) r = x < y ? -1 : x > y ? 1 : 0;
    else r = xn ? -1 : 1;
    if (r !== 0) return r;
  }
  return xs.length === ys.length ? 0 : xs.length > ys.length ? 1 : -1;
}

/** Order of two versions read tolerantly (-1, 0, 1). */
export function compareSemverLike(a: string, b: string): -1 | 0 | 1 {
  const x = parse(a);
  const y = parse(b);
  const r = compareComponents(x.components, y.components) || compareSuffix(x.suffix, y.suffix);
  return r < 0 ? -1 : r > 0 ? 1 : 0;
}
