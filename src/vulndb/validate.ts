/**
 * Checks a record before it is stored, so the matcher only meets ranges it can evaluate: a range
 * of an unknown type, a malformed event or a version its ecosystem cannot read is skipped with a
 * warning naming the record; a record without an id is skipped whole. An empty event value
 * (`"fixed": ""`, from GitHub's npm advisory import, meaning no fix) is dropped, leaving the
 * range open. Not for: matching (src/scan).
 */
import { explainInvalidVersion, type VersionSchemeId } from "../version/index.js";
import { ecosystemBase } from "./ecosystem.js";
import type { OsvAffected, OsvEvent, OsvRange, OsvRecord } from "./types.js";

export type Warn = (message: string) => void;

const RANGE_TYPES = new Set(["SEMVER", "ECOSYSTEM", "GIT"]);
const EVENT_KEYS = new Set(["introduced", "fixed", "last_affected", "limit"]);

/** The version scheme of an ECOSYSTEM range, where Portcullis has one. */
const ECOSYSTEM_SCHEMES: Record<string, VersionSchemeId> = {
  npm: "semver",
  "crates.io": "semver",
  PyPI: "pep440",
  Maven: "maven",
  RubyGems: "gem",
  Go: "go",
  Alpine: "apk",
  Debian: "dpkg",
  Ubuntu: "dpkg",
  "Red Hat": "rpm",
  Rocky: "rpm",
  AlmaLinux: "rpm",
  SUSE: "rpm",
  openSUSE: "rpm",
};

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Why a version in a range is unreadable, or undefined. `"0"` as introduced is always fine. */
function versionProblem(
  range: OsvRange,
  ecosystem: string | undefined,
  key: string,
  v: string,
): string | undefined {
  if (key === "introduced" && v === "0") return undefined;
  if (range.type === "GIT") return undefined;
  const scheme =
    range.type === "SEMVER" ? "semver" : ecosystem ? ECOSYSTEM_SCHEMES[ecosystemBase(ecosystem)] : undefined;
  if (!scheme) return undefined;
  return explainInvalidVersion(scheme, v);
}

function checkRange(
  where: string,
  ecosystem: string | undefined,
  raw: unknown,
  warn: Warn,
): OsvRange | undefined {
  if (!isObject(raw) || typeof raw.type !== "string" || !Array.isArray(raw.events)) {
    warn(`${where}: a range without a type or events; range skipped`);
    return undefined;
  }
  const range = raw as unknown as OsvRange;
  if (!RANGE_TYPES.has(range.type)) {
    warn(`${where}: range type ${JSON.stringify(range.type)} is not SEMVER, ECOSYSTEM or GIT; range skipped`);
    return undefined;
  }
  const events: OsvEvent[] = [];
  for (const ev of raw.events as unknown[]) {
    const keys = isObject(ev) ? Object.keys(ev) : [];
    const key = keys[0];
    if (!isObject(ev) || keys.length !== 1 || !key || !EVENT_KEYS.has(key) || typeof ev[key] !== "string") {
      warn(
        `${where}: event ${JSON.stringify(ev)} is not one of introduced/fixed/last_affected/limit; range skipped`,
      );
      return undefined;
    }
    const value = ev[key] as string;
    if (value === "") {
      warn(`${where}: empty "${key}" event dropped (the range stays open)`);
      continue;
    }
    const problem = versionProblem(range, ecosystem, key, value);
    if (problem) {
      warn(`${where}: ${key} version ${JSON.stringify(value)} is invalid (${problem}); range skipped`);
      return undefined;
    }
    events.push(ev as OsvEvent);
  }
  return { ...range, events };
}

/**
 * What a non-OSV JSON document inside an OSV directory looks like, so the warning says how to
 * import it: feeds are detected per input, so an Alpine secdb or Debian tracker file must be
 * named on its own, not inside a directory of OSV records.
 */
function lookalike(raw: unknown): string {
  if (!isObject(raw)) return "";
  if (
    isObject(raw.secfixes) ||
    (Array.isArray(raw.packages) && ("distroversion" in raw || "reponame" in raw))
  )
    return " (it is an Alpine secdb file: import it by its own name, 'portcullis db import FILE')";
  const first = Object.values(raw)[0];
  if (isObject(first) && Object.values(first).some((v) => isObject(v) && isObject(v.releases)))
    return " (it is a Debian security tracker file: import it by its own name, 'portcullis db import FILE')";
  return "";
}

/**
 * A record fit to store, or undefined (warned) when it has no id. `file` names where it was
 * read (for warnings).
 */
export function checkRecord(raw: unknown, file: string, warn: Warn): OsvRecord | undefined {
  if (!isObject(raw) || typeof raw.id !== "string" || raw.id === "") {
    warn(`${file}: not an OSV record (no "id"); skipped${lookalike(raw)}`);
    return undefined;
  }
  const record = raw as unknown as OsvRecord;
  const where = `${file}: ${record.id}`;
  if (typeof record.modified !== "string") {
    warn(`${where}: no "modified" time; stored with an empty one`);
    record.modified = "";
  }
  if (record.affected !== undefined && !Array.isArray(record.affected)) {
    warn(`${where}: "affected" is not a list; record skipped`);
    return undefined;
  }
  const affected: OsvAffected[] = [];
  for (const a of record.affected ?? []) {
    if (!isObject(a)) {
      warn(`${where}: an "affected" entry that is not an object; entry skipped`);
      continue;
    }
    const entry = a as OsvAffected;
    const eco = entry.package?.ecosystem;
    if (entry.ranges !== undefined) {
      if (!Array.isArray(entry.ranges)) {
        warn(`${where}: "ranges" is not a list; ranges skipped`);
        entry.ranges = [];
      } else {
        const ranges: OsvRange[] = [];
        for (const r of entry.ranges) {
          const ok = checkRange(`${where} (${entry.package?.name ?? "no package"})`, eco, r, warn);
          if (ok) ranges.push(ok);
        }
        entry.ranges = ranges;
      }
    }
    if (entry.versions !== undefined && !Array.isArray(entry.versions)) {
      warn(`${where}: "versions" is not a list; ignored`);
      delete entry.versions;
    }
    affected.push(entry);
  }
  if (record.affected) record.affected = affected;
  return record;
}
