/**
 * The sources `db update` downloads, their default URLs and how a selection (`--source`), a
 * mirror (`--mirror`) or a sources file overrides them. Each source is one feed in the database
 * (its id is the feed key), replaced whole when it changes.
 */
import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";
import { FeedFormatError, VulnDbError } from "./errors.js";

export interface UpdateSource {
  /** Feed key and selector: "osv:npm", "alpine-secdb:v3.18/main", "debian-tracker". */
  id: string;
  url: string;
  /** The importer expected for what the URL serves. */
  importer: "osv-zip" | "alpine-secdb" | "debian-tracker";
}

export const OSV_BUCKET = "https://osv-vulnerabilities.storage.googleapis.com";
export const ALPINE_SECDB = "https://secdb.alpinelinux.org";
export const DEBIAN_TRACKER_JSON = "https://security-tracker.debian.org/tracker/data/json";

/** osv.dev ecosystems fetched by default (the ones Portcullis catalogs and matches). */
export const OSV_ECOSYSTEMS = [
  "npm",
  "PyPI",
  "Go",
  "Maven",
  "RubyGems",
  "crates.io",
  "Alpine",
  "Debian",
  "Ubuntu",
];
/** Alpine releases whose secdb is fetched by default. */
export const ALPINE_RELEASES = ["v3.18", "v3.19", "v3.20", "v3.21", "v3.22"];

export function defaultSources(): UpdateSource[] {
  return [
    ...OSV_ECOSYSTEMS.map(
      (e): UpdateSource => ({
        id: `osv:${e}`,
        url: `${OSV_BUCKET}/${encodeURIComponent(e)}/all.zip`,
        importer: "osv-zip",
      }),
    ),
    ...ALPINE_RELEASES.flatMap((r) =>
      ["main", "community"].map(
        (repo): UpdateSource => ({
          id: `alpine-secdb:${r}/${repo}`,
          url: `${ALPINE_SECDB}/${r}/${repo}.json`,
          importer: "alpine-secdb",
        }),
      ),
    ),
    { id: "debian-tracker", url: DEBIAN_TRACKER_JSON, importer: "debian-tracker" },
  ];
}

/**
 * Sources picked by a comma-separated selector: "all", a source id ("osv:npm"), a kind
 * ("osv", "alpine-secdb", "debian-tracker") or a prefix ending at ":" or "/" ("alpine-secdb:v3.18").
 * An `osv:<Ecosystem>` not in the list is added (osv.dev has more ecosystems than the defaults).
 */
export function selectSources(all: readonly UpdateSource[], selector?: string): UpdateSource[] {
  if (!selector || selector.trim() === "all") return [...all];
  const picked = new Map<string, UpdateSource>();
  for (const raw of selector.split(",")) {
    const s = raw.trim();
    if (!s) continue;
    const matches = all.filter(
      (src) => src.id === s || src.id.startsWith(`${s}:`) || src.id.startsWith(`${s}/`),
    );
    if (matches.length === 0 && /^osv:[\w.:-]+$/.test(s)) {
      const eco = s.slice(4);
      const osvBase =
        all.find((x) => x.importer === "osv-zip")?.url.replace(/\/[^/]+\/all\.zip$/, "") ?? OSV_BUCKET;
      matches.push({ id: s, url: `${osvBase}/${encodeURIComponent(eco)}/all.zip`, importer: "osv-zip" });
    }
    if (matches.length === 0)
      throw new VulnDbError(
        "BAD_FEED",
        `unknown source ${JSON.stringify(s)}; known: all, osv, osv:<Ecosystem>, alpine-secdb, alpine-secdb:<release>, debian-tracker`,
        2,
      );
    for (const m of matches) picked.set(m.id, m);
  }
  return [...picked.values()];
}

/**
 * Point every source at a mirror: `<mirror>/osv/<Ecosystem>/all.zip`,
 * `<mirror>/alpine/<release>/<repo>.json`, `<mirror>/debian/json`.
 */
export function applyMirror(sources: readonly UpdateSource[], mirror: string): UpdateSource[] {
  const base = mirror.replace(/\/+$/, "");
  return sources.map((s) => {
    const tail = s.id.slice(s.id.indexOf(":") + 1);
    if (s.importer === "osv-zip") return { ...s, url: `${base}/osv/${encodeURIComponent(tail)}/all.zip` };
    if (s.importer === "alpine-secdb") return { ...s, url: `${base}/alpine/${tail}.json` };
    return { ...s, url: `${base}/debian/json` };
  });
}

export interface SourcesFile {
  sources?: UpdateSource[];
  /** `db status` warns when the newest update is older than this (default 7). */
  staleAfterDays?: number;
}

/**
 * A sources file (YAML or JSON): `sources: [{id, url, importer?}]` replaces or adds sources by
 * id; `staleAfterDays: N`. The importer defaults from the id's kind.
 */
export function readSourcesFile(
  file: string,
  base: readonly UpdateSource[],
): { sources: UpdateSource[]; staleAfterDays?: number } {
  let doc: unknown;
  try {
    doc = parseYaml(readFileSync(file, "utf8"));
  } catch (err) {
    throw new FeedFormatError(file, `cannot read the sources file: ${(err as Error).message}`);
  }
  const out = new Map(base.map((s) => [s.id, s]));
  const d = (doc ?? {}) as Record<string, unknown>;
  if (typeof d !== "object" || Array.isArray(d))
    throw new FeedFormatError(file, "expected a map with 'sources:'");
  if (d.sources !== undefined && !Array.isArray(d.sources))
    throw new FeedFormatError(file, "'sources' must be a list of {id, url}");
  for (const [i, s] of ((d.sources as unknown[]) ?? []).entries()) {
    const e = s as Record<string, unknown>;
    if (typeof e?.id !== "string" || typeof e?.url !== "string")
      throw new FeedFormatError(file, `sources[${i}]: expected {id, url} strings`);
    const kind = e.id.split(":")[0];
    const importer =
      (e.importer as UpdateSource["importer"] | undefined) ??
      (kind === "osv"
        ? "osv-zip"
        : kind === "alpine-secdb"
          ? "alpine-secdb"
          : kind === "debian-tracker"
            ? "debian-tracker"
            : undefined);
    if (!importer || !["osv-zip", "alpine-secdb", "debian-tracker"].includes(importer))
      throw new FeedFormatError(
        file,
        `sources[${i}]: cannot tell the format of ${e.id}; set importer: osv-zip | alpine-secdb | debian-tracker`,
      );
    out.set(e.id, { id: e.id, url: e.url, importer });
  }
  if (d.staleAfterDays !== undefined && (typeof d.staleAfterDays !== "number" || d.staleAfterDays <= 0))
    throw new FeedFormatError(file, "'staleAfterDays' must be a positive number");
  return {
    sources: [...out.values()],
    ...(typeof d.staleAfterDays === "number" ? { staleAfterDays: d.staleAfterDays } : {}),
  };
}
