/**
 * The ignore file (`.portcullisignore`, YAML): vulnerabilities to leave out of a scan, each with
 * the id or an alias it is known by, an optional package name or purl pattern (`*` wildcards), a
 * reason and an optional expiry date. An entry past its expiry no longer ignores anything and the
 * report says so. Form:
 *
 *   ignore:
 *     - id: CVE-2023-5678
 *       package: pkg:apk/alpine/libcrypto3*   # or a name: openssl
 *       reason: not reachable: we never parse DH parameters
 *       expires: 2027-01-31
 *
 * A bare list of entries (without `ignore:`) is accepted too. Errors name file:line.
 */
import { isMap, isScalar, isSeq, LineCounter, parseDocument, type YAMLMap } from "yaml";
import { readFileOr } from "../shared/read-file.js";
import { globMatch } from "./glob.js";
import type { ScanFinding, ScanNote, Suppression } from "./result.js";

export interface IgnoreEntry {
  id: string;
  package?: string;
  reason: string;
  /** YYYY-MM-DD: applies up to and including this day (UTC). */
  expires?: string;
  /** file:line of the entry. */
  source: string;
}

export class IgnoreFileError extends Error {
  override readonly name = "IgnoreFileError";
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const KEYS = new Set(["id", "package", "reason", "expires"]);

export function parseIgnoreText(text: string, file: string): IgnoreEntry[] {
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false });
  const where = (offset: number | undefined) =>
    `${file}:${offset === undefined ? 1 : lc.linePos(offset).line}`;
  if (doc.errors.length) {
    const e = doc.errors[0];
    throw new IgnoreFileError(`${where(e.pos[0])}: not valid YAML: ${e.message.split("\n")[0]}`);
  }
  if (doc.contents === null) return [];
  let list: unknown = doc.contents;
  if (isMap(list)) {
    const keys = list.items.map((p) => String((p.key as { value?: unknown })?.value ?? p.key));
    const other = keys.filter((k) => k !== "ignore");
    if (other.length)
      throw new IgnoreFileError(
        `${where(list.range?.[0])}: unknown key ${JSON.stringify(other[0])}; expected "ignore:" and a list of entries`,
      );
    list = list.get("ignore", true);
    if (list === undefined || list === null) return [];
  }
  if (!isSeq(list))
    throw new IgnoreFileError(
      `${where(doc.contents.range?.[0])}: expected a list of entries under "ignore:"${
        isScalar(list)
          ? " (one id per line, as in .trivyignore, is not read: each entry needs a reason, e.g. 'ignore: [{ id: CVE-2023-5678, reason: not reachable }]')"
          : ""
      }`,
    );
  const out: IgnoreEntry[] = [];
  for (const item of list.items) {
    const at = where((item as { range?: number[] }).range?.[0]);
    if (!isMap(item)) throw new IgnoreFileError(`${at}: expected an entry with id and reason`);
    const m = item as YAMLMap;
    const v = m.toJSON() as Record<string, unknown>;
    for (const k of Object.keys(v))
      if (!KEYS.has(k))
        throw new IgnoreFileError(
          `${at}: unknown key ${JSON.stringify(k)} (expected id, package, reason, expires)`,
        );
    if (typeof v.id !== "string" || v.id.trim() === "")
      throw new IgnoreFileError(`${at}: "id" is required: the vulnerability id or an alias (CVE-…, GHSA-…)`);
    if (typeof v.reason !== "string" || v.reason.trim() === "")
      throw new IgnoreFileError(`${at}: "reason" is required: say why ${v.id} is ignored`);
    if (v.package !== undefined && typeof v.package !== "string")
      throw new IgnoreFileError(`${at}: "package" must be a name or purl pattern`);
    let expires: string | undefined;
    if (v.expires !== undefined) {
      const raw = v.expires instanceof Date ? v.expires.toISOString().slice(0, 10) : v.expires;
      if (typeof raw !== "string" || !DATE.test(raw) || Number.isNaN(Date.parse(`${raw}T00:00:00Z`)))
        throw new IgnoreFileError(
          `${at}: "expires" must be a date YYYY-MM-DD, got ${JSON.stringify(v.expires)}`,
        );
      expires = raw;
    }
    out.push({
      id: v.id.trim(),
      package: v.package as string | undefined,
      reason: v.reason.trim(),
      expires,
      source: at,
    });
  }
  return out;
}

export function readIgnoreFile(file: string): IgnoreEntry[] {
  const text = readFileOr(file, (why) => new IgnoreFileError(`${file}: cannot read the ignore file: ${why}`));
  return parseIgnoreText(text, file);
}

/** Whether an entry's expiry day (UTC, inclusive) has passed at `now`. */
export function isExpired(expires: string | undefined, now: Date): boolean {
  if (!expires) return false;
  return now.getTime() >= Date.parse(`${expires}T00:00:00Z`) + 86_400_000;
}

/** The vulnerability's ids: primary and aliases. */
export function idsOf(f: { id: string; aliases: string[] }): string[] {
  return [f.id, ...f.aliases];
}

export function packageMatches(pattern: string | undefined, f: ScanFinding): boolean {
  if (!pattern) return true;
  if (pattern.startsWith("pkg:")) {
    // Without a version in the pattern, any version of the package matches.
    const bare = f.package.purl.split("?")[0];
    return (
      globMatch(pattern, f.package.purl) || globMatch(pattern, bare) || globMatch(pattern, bare.split("@")[0])
    );
  }
  return (
    globMatch(pattern, f.package.name) ||
    (f.package.source ? globMatch(pattern, f.package.source.name) : false)
  );
}

/**
 * Mark the findings the entries ignore (first matching entry wins). Expired entries ignore
 * nothing; each expired entry that would have matched gives one note.
 */
export function applyIgnores(
  findings: ScanFinding[],
  entries: IgnoreEntry[],
  now: Date,
  by: Suppression["by"] = "ignore-file",
): ScanNote[] {
  const notes: ScanNote[] = [];
  const expiredHit = new Set<IgnoreEntry>();
  for (const f of findings) {
    if (f.suppressed) continue;
    const ids = idsOf(f);
    for (const e of entries) {
      if (!ids.includes(e.id) || !packageMatches(e.package, f)) continue;
      if (isExpired(e.expires, now)) {
        expiredHit.add(e);
        continue;
      }
      f.suppressed = { by, reason: e.reason, source: e.source };
      break;
    }
  }
  for (const e of expiredHit) {
    notes.push({
      level: "warning",
      message: `ignore entry for ${e.id} at ${e.source} expired on ${e.expires}; it no longer applies and ${e.id} is reported`,
    });
  }
  return notes;
}
