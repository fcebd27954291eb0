/**
 * Alias merging: the records that matched one package are grouped so that each vulnerability is one
 * row, whatever ids the feeds know it by. Two records are the same vulnerability when one's id is
 * the other's alias or they share an alias (transitively). A distribution id that names a CVE
 * (`ALPINE-CVE-2023-5678`, `DEBIAN-CVE-…`, `UBUNTU-CVE-…`) counts as an alias of that CVE.
 *
 * Distribution advisories that bundle several CVEs (DSA, DLA, USN; `upstream` ids) are folded into
 * the CVE rows they cover (foldBundles).
 *
 * Primary id of a row: the CVE id when the row has one (the lowest, when an advisory covers
 * several), else the GHSA id, else the lowest id of the records that matched. Every other id is
 * listed in `aliases`. Not for choosing severity (../severity/choose.ts).
 */
import type { OsvRecord } from "../../vulndb/types.js";

const DISTRO_CVE = /^[A-Z][A-Z0-9]*-(CVE-\d{4}-\d+)$/;

/** Every id a record is known by: its id, its aliases and the CVE inside a distro CVE id. */
export function recordIds(record: OsvRecord): string[] {
  const ids = new Set<string>([record.id, ...(record.aliases ?? [])]);
  for (const id of [...ids]) {
    const m = DISTRO_CVE.exec(id);
    if (m) ids.add(m[1]);
  }
  return [...ids];
}

function idOrder(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The primary id of a merged row, from all its ids and the ids of the records that matched. */
export function primaryId(ids: readonly string[], recordIdsMatched: readonly string[]): string {
  const cve = ids.filter((i) => /^CVE-\d{4}-\d+$/.test(i)).sort(idOrder);
  if (cve.length) return cve[0];
  const ghsa = ids.filter((i) => i.startsWith("GHSA-")).sort(idOrder);
  if (ghsa.length) return ghsa[0];
  return [...recordIdsMatched].sort(idOrder)[0];
}

/** Group items (records that matched one package) into connected sets by shared ids. */
export function groupByAlias<T>(items: readonly T[], recordOf: (item: T) => OsvRecord): T[][] {
  const parent = items.map((_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]];
      i = parent[i];
    }
    return i;
  };
  const owner = new Map<string, number>();
  items.forEach((item, i) => {
    for (const id of recordIds(recordOf(item))) {
      const j = owner.get(id);
      if (j === undefined) owner.set(id, i);
      else parent[find(i)] = find(j);
    }
  });
  const groups = new Map<number, T[]>();
  items.forEach((item, i) => {
    const root = find(i);
    const g = groups.get(root);
    if (g) g.push(item);
    else groups.set(root, [item]);
  });
  return [...groups.values()];
}

export interface MergedGroup<T> {
  items: T[];
  /** Ids of advisory bundles folded into this row (DSA-…, DLA-…, USN-…). */
  bundleIds: string[];
}

/**
 * Advisory bundles: a distribution advisory (Debian DSA/DLA, Ubuntu USN) covers several CVEs and
 * names them in `upstream`, not `aliases`. When every CVE it names already has its own row for the
 * package, the bundle's id is added to those rows' aliases instead of making a row of its own (the
 * way Trivy lists DSA ids beside the CVE); otherwise it stays a row.
 */
export function foldBundles<T>(groups: T[][], recordOf: (item: T) => OsvRecord): MergedGroup<T>[] {
  const out: MergedGroup<T>[] = groups.map((items) => ({ items, bundleIds: [] }));
  const idsOf = out.map((g) => new Set(g.items.flatMap((i) => recordIds(recordOf(i)))));
  const isBundle = out.map(
    (g, k) =>
      g.items.every((i) => (recordOf(i).upstream ?? []).length > 0) &&
      ![...idsOf[k]].some((id) => /^CVE-\d{4}-\d+$/.test(id)),
  );
  const dropped = new Set<number>();
  out.forEach((g, k) => {
    if (!isBundle[k]) return;
    const upstream = new Set<string>();
    for (const i of g.items) {
      for (const u of recordOf(i).upstream ?? []) upstream.add(DISTRO_CVE.exec(u)?.[1] ?? u);
    }
    const targets = new Set<number>();
    for (const u of upstream) {
      const t = out.findIndex((_, j) => j !== k && !isBundle[j] && idsOf[j].has(u));
      if (t === -1) return;
      targets.add(t);
    }
    for (const t of targets) out[t].bundleIds.push(...g.items.map((i) => recordOf(i).id));
    dropped.add(k);
  });
  return out.filter((_, k) => !dropped.has(k));
}
