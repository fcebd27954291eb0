/**
 * A test-side converter from Trivy's fixture vulnerability DB (shared/vectors/vulndata/trivy/
 * db-fixtures/*.yaml, the bolt buckets written as YAML) to OSV records, so Trivy's integration
 * cases can be replayed against Portcullis's matcher. Conversions:
 * - `alpine 3.9` → ecosystem `Alpine:v3.9` (`alpine edge` → `Alpine:edge`; feed "alpine-secdb"),
 *   `debian 9` → `Debian:9` (feed "debian-tracker"), `ubuntu 18.04` → `Ubuntu:18.04:LTS` (feed
 *   "ubuntu"), `alma 8` → `AlmaLinux:8`, `rocky 8` → `Rocky Linux:8`, `Photon OS 3.0` →
 *   `Photon OS:3.0`, `openSUSE Leap 15.1` → `openSUSE:Leap 15.1`: one record per (package,
 *   id), `introduced: "0"` plus `fixed` when FixedVersion is set, as the importers convert secdb
 *   and the tracker; Debian `Severity` (Trivy's 1-4 scale) becomes the tracker urgency,
 *   `Status: 7` (end_of_life) becomes status "end-of-life", VendorIDs (DSA-…, and RLSA-… from
 *   Rocky's `Entries`) become aliases. The vendor's own rating in vulnerability.yaml becomes what
 *   the real feed carries: an `Ubuntu` severity entry (Ubuntu's OSV records), the errata impact
 *   before the summary (`Moderate: …`, AlmaLinux and Rocky errata).
 * - language buckets `npm::…`, `pip::…`, `go::…`, `maven::…`, `cargo::…`, `rubygems::…`: one
 *   record per (package, id), ranges from VulnerableVersions (`< x`, `<= x`, `>= x`, `= x`, comma =
 *   and, several entries = or; Maven `[a,b)` intervals), or, when only PatchedVersions are given
 *   (cargo), the complement of the patched intervals. The feed is the data source's id ("ghsa",
 *   "glad", "osv").
 * - vulnerability.yaml: NVD's CVSS vectors become `severity` (CVSS_V3 / CVSS_V2), a GHSA vendor
 *   severity becomes `database_specific.severity` on records from the "ghsa" feed; title → summary.
 * Only what the converter can express exactly is converted; `> x` lower bounds (none in the
 * fixtures) throw.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import type { OsvEvent, OsvRange, OsvRecord, OsvSeverity } from "../../src/vulndb/types.js";
import { MemoryVulnStore } from "./memory-vuln-store.js";

interface Bucket {
  bucket?: string;
  key?: string;
  pairs?: Bucket[];
  value?: Record<string, unknown>;
}

interface Advisory {
  FixedVersion?: string;
  Entries?: { FixedVersion?: string; VendorIds?: string[] }[];
  Severity?: number;
  Status?: number;
  State?: string;
  VendorIDs?: string[];
  VulnerableVersions?: string[];
  PatchedVersions?: string[];
}

interface VulnerabilityDetail {
  Title?: string;
  VendorSeverity?: Record<string, number>;
  CVSS?: Record<string, { V3Vector?: string; V2Vector?: string }>;
}

const LANGUAGE: Record<string, string> = {
  npm: "npm",
  pip: "PyPI",
  go: "Go",
  maven: "Maven",
  cargo: "crates.io",
  rubygems: "RubyGems",
};

const TRIVY_SEVERITY = ["unknown", "low", "medium", "high", "critical"] as const;
const GHSA_LABEL = ["", "LOW", "MODERATE", "HIGH", "CRITICAL"];

function osEcosystem(bucket: string): { ecosystem: string; feed: string; vendor?: string } | undefined {
  const alpine = /^alpine (\d+\.\d+|edge)$/.exec(bucket);
  if (alpine)
    return { ecosystem: `Alpine:${alpine[1] === "edge" ? "edge" : `v${alpine[1]}`}`, feed: "alpine-secdb" };
  const debian = /^debian (\d+)$/.exec(bucket);
  if (debian) return { ecosystem: `Debian:${debian[1]}`, feed: "debian-tracker" };
  const ubuntu = /^ubuntu ((\d+)\.(\d+))$/.exec(bucket);
  if (ubuntu) {
    const lts = Number(ubuntu[2]) % 2 === 0 && ubuntu[3] === "04";
    return { ecosystem: `Ubuntu:${ubuntu[1]}${lts ? ":LTS" : ""}`, feed: "ubuntu", vendor: "ubuntu" };
  }
  const rhel = /^(alma|rocky) (\d+)$/.exec(bucket);
  if (rhel)
    return {
      ecosystem: `${rhel[1] === "alma" ? "AlmaLinux" : "Rocky Linux"}:${rhel[2]}`,
      feed: rhel[1],
      vendor: rhel[1],
    };
  const photon = /^Photon OS (\d+\.\d+)$/.exec(bucket);
  if (photon) return { ecosystem: `Photon OS:${photon[1]}`, feed: "photon" };
  const suse = /^openSUSE (Leap \d+\.\d+|Tumbleweed)$/.exec(bucket);
  if (suse) return { ecosystem: `openSUSE:${suse[1]}`, feed: "suse" };
  return undefined;
}

const ERRATA_IMPACT = ["", "Low", "Moderate", "Important", "Critical"];
const UBUNTU_PRIORITY = ["", "low", "medium", "high", "critical"];

/** One constraint list (`>= 1.0, < 2.0`) → OSV events for one range. */
function eventsOfConstraint(constraint: string): { events: OsvEvent[]; versions?: string[] } {
  const maven = /^\s*([[(])\s*([^,]*)\s*,\s*([^\])]*)\s*([\])])\s*$/.exec(constraint);
  if (maven) {
    const [, open, lo, hi, close] = maven;
    if (open === "(" && lo) throw new Error(`cannot express exclusive lower bound ${constraint}`);
    const events: OsvEvent[] = [{ introduced: lo || "0" }];
    if (hi) events.push(close === ")" ? { fixed: hi } : { last_affected: hi });
    return { events };
  }
  let introduced = "0";
  const ends: OsvEvent[] = [];
  for (const part of constraint
    .split(",")
    .map((p) => p.trim())
    .filter(Boolean)) {
    const m = /^(>=|<=|<|>|=)?\s*(\S+)$/.exec(part);
    if (!m) throw new Error(`unreadable constraint ${part}`);
    const [, op = "=", v] = m;
    if (op === ">=") introduced = v;
    else if (op === "<") ends.push({ fixed: v });
    else if (op === "<=") ends.push({ last_affected: v });
    else if (op === "=") return { events: [], versions: [v] };
    else throw new Error(`cannot express ${part} exactly`);
  }
  return { events: [{ introduced }, ...ends] };
}

/** Patched intervals (`>= 3.1.0`, `>= 2.1.3, < 3.0.0`) → the affected complement as one range. */
function complementOfPatched(patched: string[]): OsvEvent[] {
  const intervals = patched.map((p) => {
    const e = eventsOfConstraint(p).events;
    const lo = (e.find((x) => "introduced" in x) as { introduced: string } | undefined)?.introduced ?? "0";
    const hi = (e.find((x) => "fixed" in x) as { fixed: string } | undefined)?.fixed;
    return { lo, hi };
  });
  // Sorted by the lower bound as written (the fixtures' versions are plain x.y.z).
  intervals.sort((a, b) => a.lo.localeCompare(b.lo, "en", { numeric: true }));
  const events: OsvEvent[] = [{ introduced: "0" }];
  for (const { lo, hi } of intervals) {
    if (lo !== "0") events.push({ fixed: lo });
    if (hi) events.push({ introduced: hi });
    else break;
  }
  return events;
}

function* walk(buckets: Bucket[]): Generator<{ top: string; pkg: string; id: string; adv: Advisory }> {
  for (const top of buckets) {
    if (!top.bucket || !top.pairs) continue;
    for (const p of top.pairs) {
      if (!p.bucket || !p.pairs) continue;
      for (const a of p.pairs)
        if (a.key) yield { top: top.bucket, pkg: p.bucket, id: a.key, adv: (a.value ?? {}) as Advisory };
    }
  }
}

export interface TrivyFixtureData {
  store: MemoryVulnStore;
  records: { source: string; record: OsvRecord }[];
}

/** Every fixture YAML in `dir` converted into an in-memory store. */
export function loadTrivyFixtures(dir: string): TrivyFixtureData {
  const files = readdirSync(dir).filter((f) => f.endsWith(".yaml"));
  const load = (f: string) => parse(readFileSync(join(dir, f), "utf8")) as Bucket[];
  const details = new Map<string, VulnerabilityDetail>();
  const dataSources = new Map<string, string>();
  for (const top of load("vulnerability.yaml")) {
    for (const p of top.pairs ?? []) if (p.key) details.set(p.key, (p.value ?? {}) as VulnerabilityDetail);
  }
  for (const top of load("data-source.yaml")) {
    for (const p of top.pairs ?? []) {
      const id = (p.value as { ID?: string } | undefined)?.ID;
      if (p.key) dataSources.set(p.key, id ?? "osv");
    }
  }
  const records: TrivyFixtureData["records"] = [];
  for (const f of files) {
    if (f === "vulnerability.yaml" || f === "data-source.yaml") continue;
    for (const { top, pkg, id, adv } of walk(load(f))) {
      const os = osEcosystem(top);
      const lang = LANGUAGE[top.split("::")[0]];
      if (!os && !(lang && top.includes("::"))) continue;
      const detail = details.get(id);
      const feed = os ? os.feed : (dataSources.get(top) ?? "osv");
      const severity: OsvSeverity[] = [];
      const nvd = detail?.CVSS?.nvd;
      if (nvd?.V3Vector) severity.push({ type: "CVSS_V3", score: nvd.V3Vector });
      if (nvd?.V2Vector) severity.push({ type: "CVSS_V2", score: nvd.V2Vector });
      const vendorIds = [...(adv.VendorIDs ?? []), ...(adv.Entries ?? []).flatMap((e) => e.VendorIds ?? [])];
      const vendorRating = os?.vendor ? detail?.VendorSeverity?.[os.vendor] : undefined;
      if (vendorRating && os?.vendor === "ubuntu")
        severity.push({ type: "Ubuntu", score: UBUNTU_PRIORITY[vendorRating] });
      const summary =
        vendorRating && (os?.vendor === "alma" || os?.vendor === "rocky") && detail?.Title
          ? `${ERRATA_IMPACT[vendorRating]}: ${detail.Title}`
          : detail?.Title;
      const fixedVersion = adv.FixedVersion ?? adv.Entries?.find((e) => e.FixedVersion)?.FixedVersion;
      const record: OsvRecord = {
        id,
        modified: "2026-01-01T00:00:00Z",
        ...(summary ? { summary } : {}),
        ...(vendorIds.length ? { aliases: [...new Set(vendorIds)] } : {}),
        ...(severity.length ? { severity } : {}),
      };
      const ghsa = detail?.VendorSeverity?.ghsa;
      if (feed === "ghsa" && ghsa) record.database_specific = { severity: GHSA_LABEL[ghsa] };
      if (os) {
        const events: OsvEvent[] = [{ introduced: "0" }];
        if (fixedVersion) events.push({ fixed: fixedVersion });
        const ds: Record<string, string> = {};
        if (adv.Severity)
          ds.urgency = TRIVY_SEVERITY[adv.Severity] === "critical" ? "high" : TRIVY_SEVERITY[adv.Severity];
        if (adv.Status === 7) ds.status = "end-of-life";
        else if (!fixedVersion) ds.status = "open";
        record.affected = [
          {
            package: { ecosystem: os.ecosystem, name: pkg },
            ranges: [{ type: "ECOSYSTEM", events }],
            ...(Object.keys(ds).length ? { database_specific: ds } : {}),
          },
        ];
      } else {
        const ranges: OsvRange[] = [];
        const versions: string[] = [];
        if (adv.VulnerableVersions?.length) {
          // GHSA's OSV export writes `fixed: <first patched>` when a patch exists and
          // `last_affected` only when none does; the fixtures give `<= x` plus the patch.
          const patched =
            adv.PatchedVersions?.length === 1 && /^[^<>=\s,]+$/.test(adv.PatchedVersions[0])
              ? adv.PatchedVersions[0]
              : undefined;
          for (const c of adv.VulnerableVersions) {
            const r = eventsOfConstraint(c);
            if (patched) r.events = r.events.map((e) => ("last_affected" in e ? { fixed: patched } : e));
            if (r.versions) versions.push(...r.versions);
            else ranges.push({ type: "ECOSYSTEM", events: r.events });
          }
        } else if (adv.PatchedVersions?.length) {
          ranges.push({ type: "ECOSYSTEM", events: complementOfPatched(adv.PatchedVersions) });
        }
        record.affected = [
          { package: { ecosystem: lang, name: pkg }, ranges, ...(versions.length ? { versions } : {}) },
        ];
      }
      records.push({ source: feed, record });
    }
  }
  const store = new MemoryVulnStore();
  for (const r of records) store.add(r.record, r.source);
  return { store, records };
}
