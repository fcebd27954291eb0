/**
 * Whether a version is affected by one OSV `affected` entry, evaluated as the OSV schema
 * specifies (https://ossf.github.io/osv-schema/#evaluation):
 * - each SEMVER or ECOSYSTEM range's events are sorted by the version order (`introduced: "0"`
 *   first) and walked: at or above `introduced` → affected, at or above `fixed` → not, above
 *   `last_affected` → not; `limit` events cut the range off at or above every limit (`"*"` is
 *   an infinite limit, so a range with one has no cut-off at all);
 * - the version is affected when any range says so or when it is listed in `versions`;
 * - GIT ranges are not evaluated (commit hashes say nothing about a package version; their
 *   `versions` list, when present, still applies);
 * - an empty `fixed`/`introduced` (`"fixed": ""`, seen in GHSA's npm import) is ignored, and an
 *   event whose version the scheme cannot read is skipped and reported back.
 * The fixed versions reported are, per range the version falls in, the first `fixed` above it.
 * Not for package names, ecosystems or aliases (./index.ts).
 */
import type { OsvAffected, OsvEvent, OsvRange } from "../../vulndb/types.js";
import { compareValid, validVersion } from "./version-cache.js";

export interface AffectedVerdict {
  affected: boolean;
  /** Fixed versions above the installed one, for the ranges that matched (may be empty). */
  fixed: string[];
  /** Event versions the scheme could not read (skipped). */
  unreadable: string[];
}

type Kind = "introduced" | "fixed" | "last_affected" | "limit";
interface SortedEvent {
  kind: Kind;
  version: string;
}

function eventOf(e: OsvEvent): SortedEvent | undefined {
  for (const kind of ["introduced", "fixed", "last_affected", "limit"] as const) {
    const v = (e as Record<string, unknown>)[kind];
    if (typeof v === "string") return v.trim() === "" ? undefined : { kind, version: v };
  }
  return undefined;
}

/**
 * The events of a range in version order, remembered by content (stores hand back fresh record
 * objects per look-up, and most advisories repeat the same few bounds).
 */
type Sorted = { events: SortedEvent[]; limits: string[]; unreadable: string[] };
const sortedCache = new Map<string, Sorted>();
const byObject = new WeakMap<OsvRange, { scheme: string; sorted: Sorted }>();

function sortedEvents(range: OsvRange, scheme: string): Sorted {
  const known = byObject.get(range);
  if (known?.scheme === scheme) return known.sorted;
  const sorted = sortedByContent(range, scheme);
  byObject.set(range, { scheme, sorted });
  return sorted;
}

function sortedByContent(range: OsvRange, scheme: string): Sorted {
  let key = scheme;
  for (const raw of range.events ?? []) {
    const e = eventOf(raw);
    if (e) key += `\u0000${e.kind}\u0001${e.version}`;
  }
  const hit = sortedCache.get(key);
  if (hit) return hit;
  const events: SortedEvent[] = [];
  const unreadable: string[] = [];
  let unlimited = false;
  for (const raw of range.events ?? []) {
    const e = eventOf(raw);
    if (!e) continue;
    if (e.kind === "introduced" && e.version === "0") events.push(e);
    else if (e.kind === "limit" && e.version === "*") unlimited = true;
    else if (validVersion(scheme, e.version)) events.push(e);
    else unreadable.push(e.version);
  }
  events.sort((a, b) => {
    if (a.kind === "introduced" && a.version === "0")
      return b.kind === "introduced" && b.version === "0" ? 0 : -1;
    if (b.kind === "introduced" && b.version === "0") return 1;
    return compareValid(scheme, a.version, b.version);
  });
  // Below any limit is inside the range; nothing is at or above "*".
  const limits = unlimited ? [] : events.filter((e) => e.kind === "limit").map((e) => e.version);
  const out = { events, limits, unreadable };
  if (sortedCache.size >= 100_000) sortedCache.clear();
  sortedCache.set(key, out);
  return out;
}

/**
 * Whether `version` falls in one range; with the first `fixed` above it when it does. `limits`
 * are the range's limit versions (as sortedEvents gives them); none means no limit.
 */
export function inRange(
  version: string,
  events: readonly SortedEvent[],
  scheme: string,
  limits: readonly string[] = events.filter((e) => e.kind === "limit").map((e) => e.version),
): { affected: boolean; fixed?: string } {
  if (limits.length > 0) {
    let below = false;
    for (const l of limits) if (compareValid(scheme, version, l) < 0) below = true;
    if (!below) return NOT_IN_RANGE;
  }
  let affected = false;
  let i = 0;
  for (; i < events.length; i++) {
    const e = events[i];
    if (e.kind === "introduced") {
      if (e.version === "0" || compareValid(scheme, version, e.version) >= 0) affected = true;
      else break;
    } else if (e.kind === "fixed") {
      if (compareValid(scheme, version, e.version) >= 0) affected = false;
      else break;
    } else if (e.kind === "last_affected") {
      if (compareValid(scheme, version, e.version) > 0) affected = false;
      else break;
    }
  }
  if (!affected) return NOT_IN_RANGE;
  // Events from here on are above the version (sorted): the next `fixed` ends this interval.
  for (; i < events.length; i++) {
    const e = events[i];
    if (e.kind === "fixed") return { affected, fixed: e.version };
    if (e.kind === "last_affected") return IN_RANGE;
  }
  return IN_RANGE;
}

const NOT_IN_RANGE = Object.freeze({ affected: false });
const IN_RANGE = Object.freeze({ affected: true });
const NO_STRINGS: readonly string[] = Object.freeze([]);

/** Whether `versions` lists the version: the same string, or equal in the ecosystem's order. */
function listed(versions: readonly string[], version: string, scheme: string): boolean {
  if (versions.includes(version)) return true;
  if (!validVersion(scheme, version)) return false;
  return versions.some((v) => validVersion(scheme, v) && compareValid(scheme, v, version) === 0);
}

/**
 * Evaluate one affected entry for an installed version in `scheme` (and, for SEMVER ranges,
 * `semverScheme`, normally "semver"; Go uses its own, which reads OSV's `v`-less versions).
 * A version the scheme cannot read skips the ranges; only the `versions` list (same string) applies.
 */
export function evaluateAffected(
  affected: OsvAffected,
  version: string,
  schemes: { ecosystem: string; semver: string },
): AffectedVerdict {
  let fixed: string[] | undefined;
  let unreadable: string[] | undefined;
  let hit = false;
  for (const range of affected.ranges ?? NO_RANGES) {
    const scheme =
      range.type === "SEMVER" ? schemes.semver : range.type === "ECOSYSTEM" ? schemes.ecosystem : undefined;
    if (!scheme || !validVersion(scheme, version)) continue;
    const sorted = sortedEvents(range, scheme);
    if (sorted.unreadable.length) (unreadable ??= []).push(...sorted.unreadable);
    const r = inRange(version, sorted.events, scheme, sorted.limits);
    if (r.affected) {
      hit = true;
      fixed ??= [];
      if (r.fixed && !fixed.includes(r.fixed)) fixed.push(r.fixed);
    }
  }
  if (!hit && affected.versions && listed(affected.versions, version, schemes.ecosystem)) hit = true;
  return {
    affected: hit,
    fixed: hit && fixed ? fixed : [],
    unreadable: unreadable ?? (NO_STRINGS as string[]),
  };
}

const NO_RANGES: readonly OsvRange[] = Object.freeze([]);
