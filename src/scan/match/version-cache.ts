/**
 * Remembered version answers for the matcher: a scan compares the same installed versions with the
 * same advisory bounds over and over (and records come back from the store as fresh objects), so
 * validity and comparisons are memoised per scheme. Bounded: the maps are dropped when they grow
 * past a limit. For the "semver" scheme a version node-semver cannot read (`1`, `0.0.0.1`,
 * `2.0.0rc2`) is read tolerantly (./semver-like.ts), as OSV consumers do. Not a version
 * implementation (src/version).
 */
import { compareVersions, isValidVersion, type VersionOrder } from "../../version/index.js";
import { compareSemverLike, isSemverLike } from "./semver-like.js";

const LIMIT = 200_000;
const valid = new Map<string, boolean>();
const order = new Map<string, Map<string, Map<string, VersionOrder>>>();
let orderSize = 0;

export function validVersion(scheme: string, v: string): boolean {
  const key = `${scheme}\u0000${v}`;
  let r = valid.get(key);
  if (r === undefined) {
    r = isValidVersion(scheme, v) || (scheme === "semver" && isSemverLike(v));
    if (valid.size >= LIMIT) valid.clear();
    valid.set(key, r);
  }
  return r;
}

/** compareVersions for versions already known to be valid in `scheme`. */
export function compareValid(scheme: string, a: string, b: string): VersionOrder {
  if (a === b) return 0;
  let perScheme = order.get(scheme);
  if (!perScheme) {
    perScheme = new Map();
    order.set(scheme, perScheme);
  }
  let perA = perScheme.get(a);
  if (!perA) {
    perA = new Map();
    perScheme.set(a, perA);
  }
  let r = perA.get(b);
  if (r === undefined) {
    r =
      scheme === "semver" && !(isValidVersion(scheme, a) && isValidVersion(scheme, b))
        ? compareSemverLike(a, b)
        : compareVersions(scheme, a, b);
    if (++orderSize > LIMIT) {
      order.clear();
      orderSize = 0;
    }
    perA.set(b, r);
  }
  return r;
}
