/**
 * OSV ecosystem names and package-name normalisation, shared by the importers (the index key)
 * and the matcher (the look-up key), so both always agree; and the Debian codename → release
 * table both read (the tracker's releases, an image's VERSION_CODENAME). Not for version order
 * (src/version).
 */

/** Debian codenames with a release number (osv.dev's `Debian:<n>`); sid has none. */
export const DEBIAN_RELEASES: Readonly<Record<string, string>> = {
  hamm: "2",
  slink: "2.1",
  potato: "2.2",
  woody: "3.0",
  sarge: "3.1",
  etch: "4",
  lenny: "5",
  squeeze: "6",
  wheezy: "7",
  jessie: "8",
  stretch: "9",
  buster: "10",
  bullseye: "11",
  bookworm: "12",
  trixie: "13",
  forky: "14",
  duke: "15",
};

/** "Alpine:v3.18" → "Alpine"; "Ubuntu:22.04:LTS" → "Ubuntu"; "npm" → "npm". */
export function ecosystemBase(ecosystem: string): string {
  const i = ecosystem.indexOf(":");
  return i === -1 ? ecosystem : ecosystem.slice(0, i);
}

/**
 * The key a package name is indexed and looked up by:
 * - PyPI: PEP 503 (lowercase, runs of `-`, `_`, `.` become one `-`);
 * - Maven: `group:artifact`, case kept (Maven coordinates are case-sensitive);
 * - Go: module path as is; npm, crates.io, RubyGems: as is (npm names are lowercase already);
 * - distros (Alpine, Debian, Ubuntu, …): as is (source/origin package names).
 */
export function normalizePackageName(ecosystem: string, name: string): string {
  switch (ecosystemBase(ecosystem)) {
    case "PyPI":
      return name.toLowerCase().replace(/[-_.]+/g, "-");
    default:
      return name;
  }
}
