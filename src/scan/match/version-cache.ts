/**
 * Remembered version answers for the matcher: a scan compares the same installed versions with the
 * same advisory bounds over and over (and records come back from the store as fresh objects), so
 * validity and comparisons are memoised per scheme. Bounded: the maps are dropped when they grow
 * past a limit. For the "semver" scheme a version node-semver cannot read (`1`, `0.0.0.1`,
 * `2.0.0rc2`) is read tolerantly (./semver-like.ts), as OSV consumers do. For "rpm", an epoch
 * counts only when both versions state one: AlmaLinux's advisories write `1.1.1k-12.el8_9` for a
 * package installed as `1:1.1.1k-4.el8`, and the epoch-less bound means the same build line
 * (osv-scanner reads installed rpm versions without their epoch at all). Not a version
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
    if (scheme === "semver" && !(isValidVersion(scheme, a) && isValidVersion(scheme, b)))
      r = compareSemverLike(a, b);
    else if (scheme === "rpm") r = compareRpm(a, b);
    else r = compareVersions(scheme, a, b);
    if (++orderSize > LIMIT) {
      order.clear();
      orderSize = 0;
    }
    perA.set(b, r);
  }
  return r;
}

const RPM_EPOCH = /^\s*\d+:/;

/** rpm order, with the epoch left out when only one of the two versions states one. */
function compareRpm(a: string, b: string): VersionOrder {
  const ea = RPM_EPOCH.test(a);
  const eb = RPM_EPOCH.test(b);
  if (ea === eb) return compareVersions("rpm", a, b);
  return compareVersions("rpm", a.replace(RPM_EPOCH, ""), b.replace(RPM_EPOCH, ""));
}
