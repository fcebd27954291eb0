/**
 * The matcher: catalog packages + the image's OS → the vulnerabilities that apply, from any
 * VulnStore (SQLite, PostgreSQL, in memory). Per package, the ecosystem matcher (./ecosystems)
 * says what to look up; one store look-up per ecosystem fetches the candidate records; each
 * record's `affected` entries are evaluated as the OSV schema says (./osv-affected.ts); the
 * records that matched one package are merged by alias into one row each (./aliases.ts) with a
 * severity (../severity/choose.ts) and the fixed versions. What could not be checked is said in
 * `notes` (no data for the release, end-of-life release, unreadable versions), never silently
 * dropped. Not for filtering (./select.ts) or output formats.
 */
import type { Package } from "../../catalog/types.js";
import type { OsInfo } from "../../image/os-release.js";
import { normalizePackageName } from "../../vulndb/ecosystem.js";
import type { OsvAffected, StoredRecord, VulnStore } from "../../vulndb/types.js";
import { chooseSeverity } from "../severity/choose.js";
import type { MatchNote, MatchResult, VulnMatch } from "../types.js";
import { foldBundles, groupByAlias, primaryId, recordIds } from "./aliases.js";
import { distroRelease } from "./distro.js";
import { isOsPackageType, type MatchTarget, matcherFor } from "./ecosystems/index.js";
import { evaluateAffected } from "./osv-affected.js";
import { compareValid, validVersion } from "./version-cache.js";

export { primaryId, recordIds } from "./aliases.js";
export { type DistroRelease, distroRelease } from "./distro.js";
export { ECOSYSTEM_MATCHERS, type EcosystemMatcher, type MatchTarget } from "./ecosystems/index.js";
export { type AffectedVerdict, evaluateAffected } from "./osv-affected.js";
export { type SelectOptions, type SelectResult, selectMatches } from "./select.js";

export interface MatchInput {
  packages: readonly Package[];
  /** The image's OS (os-release); needed for OS packages (apk, deb, rpm). */
  os?: OsInfo;
}

export interface MatchOptions {
  /** The date end-of-life is judged against (default: now). */
  now?: Date;
}

interface Hit {
  stored: StoredRecord;
  affected: OsvAffected;
  fixed: string[];
}

interface Planned {
  index: number;
  pkg: Package;
  target: MatchTarget;
  /** Look-up keys of the name and its other names (normalised). */
  keys: Set<string>;
}

/** Match catalog packages against the store. Rows are in package order, then by id. */
export async function matchPackages(
  store: VulnStore,
  input: MatchInput,
  opts: MatchOptions = {},
): Promise<MatchResult> {
  const notes: MatchNote[] = [];
  const release = input.os ? distroRelease(input.os) : undefined;
  const planned: Planned[] = [];
  let osUnmatched = 0;
  const noVersion: string[] = [];
  input.packages.forEach((pkg, index) => {
    const matcher = matcherFor(pkg, release);
    if (!matcher) {
      if (isOsPackageType(pkg.type)) osUnmatched++;
      return;
    }
    const target = matcher.target(pkg, release);
    if (!target) {
      if (!isOsPackageType(pkg.type)) noVersion.push(`${pkg.name}`);
      return;
    }
    const keys = new Set(
      [target.name, ...(target.alsoNames ?? [])].map((n) => normalizePackageName(target.ecosystem, n)),
    );
    planned.push({ index, pkg, target, keys });
  });
  if (osUnmatched > 0) {
    const what = input.os
      ? `${input.os.prettyName ?? `${input.os.family} ${input.os.version}`}`
      : "an unknown operating system (no os-release)";
    notes.push({
      level: "warning",
      message: `${osUnmatched} OS package(s) not checked: no vulnerability data source for ${what}`,
    });
  }
  if (noVersion.length > 0) {
    notes.push({
      level: "info",
      message: `${noVersion.length} package(s) without a usable version or name not checked (${preview(noVersion)})`,
    });
  }

  const byEcosystem = new Map<string, Planned[]>();
  for (const p of planned) {
    const list = byEcosystem.get(p.target.ecosystem);
    if (list) list.push(p);
    else byEcosystem.set(p.target.ecosystem, [p]);
  }
  const available = new Set((await store.ecosystems()).filter((e) => e.records > 0).map((e) => e.ecosystem));
  const lookups = new Map<string, Map<string, StoredRecord[]>>();
  await Promise.all(
    [...byEcosystem].map(async ([ecosystem, list]) => {
      const spellings = [ecosystem, ...(list[0].target.alsoEcosystems ?? [])].filter((e) => available.has(e));
      if (spellings.length === 0) {
        const distro = list[0].target.distro;
        const label = distro && release ? `${release.label} (${ecosystem})` : ecosystem;
        notes.push({
          level: "warning",
          message: `no vulnerability data for ${label}: ${list.length} package(s) not checked${distro ? "" : " (import the ecosystem's advisories)"}`,
        });
        return;
      }
      const names = [...new Set(list.flatMap((p) => [p.target.name, ...(p.target.alsoNames ?? [])]))];
      const found = await Promise.all(spellings.map((e) => store.lookup(e, names)));
      lookups.set(ecosystem, found.length === 1 ? found[0] : mergeLookups(found));
    }),
  );
  if (release?.endOfLife && release.endOfLife <= (opts.now ?? new Date()).toISOString().slice(0, 10)) {
    notes.push({
      level: "warning",
      message: `${release.label} is end-of-life since ${release.endOfLife}: it gets no more security fixes, so unlisted vulnerabilities are likely`,
    });
  }

  const withdrawn = new Set<string>();
  const unreadable = new Map<string, Set<string>>();
  const badVersions: string[] = [];
  const rows: { index: number; match: VulnMatch }[] = [];
  for (const p of planned) {
    const { target } = p;
    const found = lookups.get(target.ecosystem);
    const records = target.alsoNames?.length
      ? uniqueRecords([target.name, ...target.alsoNames].flatMap((n) => found?.get(n) ?? []))
      : found?.get(target.name);
    if (!records?.length) continue;
    if (!validVersion(target.scheme, target.version)) badVersions.push(`${p.pkg.name} ${target.version}`);
    const hits: Hit[] = [];
    for (const stored of records) {
      if (stored.record.withdrawn) {
        withdrawn.add(stored.record.id);
        continue;
      }
      for (const affected of stored.record.affected ?? []) {
        const pk = affected.package;
        if (!pk || (pk.ecosystem !== target.ecosystem && !target.alsoEcosystems?.includes(pk.ecosystem)))
          continue;
        if (pk.name !== target.name && !p.keys.has(normalizePackageName(pk.ecosystem, pk.name))) continue;
        const verdict = evaluateAffected(affected, target.version, {
          ecosystem: target.scheme,
          semver: target.semverScheme,
        });
        if (verdict.unreadable.length) {
          const set = unreadable.get(stored.record.id) ?? new Set();
          for (const v of verdict.unreadable) set.add(v);
          unreadable.set(stored.record.id, set);
        }
        if (verdict.affected) hits.push({ stored, affected, fixed: verdict.fixed });
      }
    }
    const recordOf = (h: Hit) => h.stored.record;
    for (const group of foldBundles(groupByAlias(hits, recordOf), recordOf)) {
      rows.push({ index: p.index, match: rowOf(p, group.items, group.bundleIds) });
    }
  }
  rows.sort((a, b) => a.index - b.index || (a.match.id < b.match.id ? -1 : a.match.id > b.match.id ? 1 : 0));

  if (withdrawn.size > 0) {
    notes.push({ level: "info", message: `withdrawn records ignored: ${preview([...withdrawn].sort())}` });
  }
  for (const [id, versions] of unreadable) {
    notes.push({
      level: "warning",
      message: `${id}: range event version(s) ${preview([...versions])} could not be read; those events were skipped`,
    });
  }
  if (badVersions.length > 0) {
    notes.push({
      level: "warning",
      message: `version(s) not readable in their ecosystem, only exact version lists checked: ${preview(badVersions)}`,
    });
  }
  return { vulnerabilities: rows.map((r) => r.match), notes };
}

/** Each stored record once (by id and feed). */
function uniqueRecords(records: readonly StoredRecord[]): StoredRecord[] {
  const out: StoredRecord[] = [];
  for (const r of records) {
    if (!out.some((x) => x.record.id === r.record.id && x.source === r.source)) out.push(r);
  }
  return out;
}

/** Look-ups of one release under several spellings, each record once per name. */
function mergeLookups(found: readonly Map<string, StoredRecord[]>[]): Map<string, StoredRecord[]> {
  const out = new Map<string, StoredRecord[]>();
  for (const m of found) {
    for (const [name, records] of m) {
      const list = out.get(name) ?? [];
      for (const r of records) {
        if (!list.some((x) => x.record.id === r.record.id && x.source === r.source)) list.push(r);
      }
      out.set(name, list);
    }
  }
  return out;
}

function preview(items: readonly string[], max = 5): string {
  return items.length <= max
    ? items.join(", ")
    : `${items.slice(0, max).join(", ")} and ${items.length - max} more`;
}

function rowOf(p: Planned, group: Hit[], bundleIds: readonly string[]): VulnMatch {
  const ids = new Set<string>();
  for (const h of group) for (const id of recordIds(h.stored.record)) ids.add(id);
  const matchedIds = group.map((h) => h.stored.record.id);
  const id = primaryId([...ids], matchedIds);
  ids.delete(id);
  for (const b of bundleIds) ids.add(b);
  const scheme = p.target.scheme;
  const fixed = [...new Set(group.flatMap((h) => h.fixed))].sort((a, b) => compareValid(scheme, a, b));
  const chosen = chooseSeverity(
    group.map((h) => ({
      record: h.stored.record,
      affected: h.affected,
      distro: p.target.distro,
      source: h.stored.source,
    })),
  );
  const sources = [...new Set(group.map((h) => h.stored.source))].sort();
  const primary = group.find((h) => h.stored.record.id === id) ?? group[0];
  const summary =
    primary.stored.record.summary ?? group.find((h) => h.stored.record.summary)?.stored.record.summary;
  const status = statusOf(group, p.target.distro, fixed.length > 0);
  return {
    id,
    aliases: [...ids].sort(),
    package: p.pkg,
    fixedVersions: fixed,
    severity: chosen.severity,
    ...(chosen.severitySource ? { severitySource: chosen.severitySource } : {}),
    ...(chosen.cvss ? { cvss: chosen.cvss } : {}),
    source: sources.join(","),
    ...(summary ? { summary } : {}),
    ...(status ? { status } : {}),
  };
}

/** "end-of-life" when the distribution says so; "open" for an OS package with no fix yet. */
function statusOf(group: Hit[], distro: boolean, hasFix: boolean): string | undefined {
  if (!distro) return undefined;
  for (const h of group) {
    const ds = h.affected.database_specific;
    const values = [ds?.urgency, ds?.status].filter((v): v is string => typeof v === "string");
    if (values.some((v) => v.trim().toLowerCase() === "end-of-life")) return "end-of-life";
  }
  return hasFix ? undefined : "open";
}
