/**
 * The OSV ecosystem of an image's distribution release, from its os-release, named as osv.dev
 * names them: Alpine 3.18.4 → `Alpine:v3.18`, Debian 12.4 (bookworm) → `Debian:12`, Ubuntu 22.04
 * → `Ubuntu:22.04:LTS` (even years' April releases are LTS; `Ubuntu:22.04` is read too, the
 * spelling a release has before its LTS rename; the Pro/ESM channels `Ubuntu:Pro:…` are not), AlmaLinux 9.3 → `AlmaLinux:9`,
 * Rocky 9 → `Rocky Linux:9`, Photon 3.0 → `Photon OS:3.0`, openSUSE Leap 15.5 → `openSUSE:Leap 15.5`,
 * Tumbleweed → `openSUSE:Tumbleweed`; plus the release's end-of-life date where known. Not for package
 * matching (./ecosystems/*.ts).
 */
import type { OsInfo } from "../../image/os-release.js";
import { DEBIAN_RELEASES } from "../../vulndb/ecosystem.js";

export interface DistroRelease {
  /** os-release ID the release belongs to (alpine, debian, ubuntu, almalinux, rocky). */
  family: string;
  /** OSV ecosystem, e.g. `Debian:12`. */
  ecosystem: string;
  /**
   * Other spellings of the same release in OSV data: an Ubuntu LTS release is published as
   * `Ubuntu:26.04` before it is renamed `Ubuntu:26.04:LTS`, and records can carry either.
   */
  alsoEcosystems?: readonly string[];
  /** Human name, e.g. `Debian 12 (bookworm)`. */
  label: string;
  /** End of (security) support, ISO date, when known. */
  endOfLife?: string;
}

/** End of regular security support (Debian LTS end for Debian; Alpine main; Ubuntu standard). */
const END_OF_LIFE: Record<string, string> = {
  "Debian:7": "2018-05-31",
  "Debian:8": "2020-06-30",
  "Debian:9": "2022-06-30",
  "Debian:10": "2024-06-30",
  "Debian:11": "2026-08-31",
  "Debian:12": "2028-06-30",
  "Alpine:v3.9": "2020-11-01",
  "Alpine:v3.10": "2021-05-01",
  "Alpine:v3.11": "2021-11-01",
  "Alpine:v3.12": "2022-05-01",
  "Alpine:v3.13": "2022-11-01",
  "Alpine:v3.14": "2023-05-01",
  "Alpine:v3.15": "2023-11-01",
  "Alpine:v3.16": "2024-05-23",
  "Alpine:v3.17": "2024-11-22",
  "Alpine:v3.18": "2025-05-09",
  "Alpine:v3.19": "2025-11-01",
  "Alpine:v3.20": "2026-04-01",
  "Alpine:v3.21": "2026-11-01",
  "Alpine:v3.22": "2027-05-01",
  "Ubuntu:16.04:LTS": "2021-04-30",
  "Ubuntu:18.04:LTS": "2023-05-31",
  "Ubuntu:20.04:LTS": "2025-05-31",
  "Ubuntu:22.04:LTS": "2027-06-01",
  "Ubuntu:24.04:LTS": "2029-05-31",
  "Photon OS:1.0": "2022-02-28",
  "Photon OS:2.0": "2022-12-31",
  "Photon OS:3.0": "2024-06-30",
  "Photon OS:4.0": "2025-12-31",
};

function withEol(r: Omit<DistroRelease, "endOfLife">): DistroRelease {
  const eol = END_OF_LIFE[r.ecosystem];
  return eol ? { ...r, endOfLife: eol } : r;
}

/** The release an image's OS belongs to, or undefined when Portcullis knows no data for its family. */
export function distroRelease(os: OsInfo): DistroRelease | undefined {
  const family = os.family.toLowerCase();
  const version = os.version.trim();
  switch (family) {
    case "alpine": {
      const m = /^(\d+)\.(\d+)/.exec(version);
      if (!m)
        return /edge|_alpha|_git/.test(version)
          ? { family, ecosystem: "Alpine:edge", label: "Alpine edge" }
          : undefined;
      return withEol({ family, ecosystem: `Alpine:v${m[1]}.${m[2]}`, label: `Alpine ${m[1]}.${m[2]}` });
    }
    case "debian": {
      const codename = os.versionCodename?.toLowerCase() ?? /^([a-z]+)\//.exec(version)?.[1];
      const major = /^(\d+)/.exec(version)?.[1] ?? (codename ? DEBIAN_RELEASES[codename] : undefined);
      if (!major) return undefined;
      const name = Object.entries(DEBIAN_RELEASES).find(([, v]) => v === major)?.[0];
      return withEol({
        family,
        ecosystem: `Debian:${major}`,
        label: `Debian ${major}${name ? ` (${name})` : ""}`,
      });
    }
    case "ubuntu": {
      const m = /^(\d+)\.(\d+)/.exec(version);
      if (!m) return undefined;
      const lts = Number(m[1]) % 2 === 0 && m[2] === "04";
      const v = `${m[1]}.${m[2]}`;
      return withEol({
        family,
        ecosystem: `Ubuntu:${v}${lts ? ":LTS" : ""}`,
        ...(lts ? { alsoEcosystems: [`Ubuntu:${v}`] } : {}),
        label: `Ubuntu ${v}${lts ? " LTS" : ""}`,
      });
    }
    case "almalinux":
    case "rocky": {
      const major = /^(\d+)/.exec(version)?.[1];
      if (!major) return undefined;
      const base = family === "rocky" ? "Rocky Linux" : "AlmaLinux";
      return { family, ecosystem: `${base}:${major}`, label: `${base} ${major}` };
    }
    case "photon": {
      const major = /^(\d+)/.exec(version)?.[1];
      if (!major) return undefined;
      return withEol({ family, ecosystem: `Photon OS:${major}.0`, label: `Photon OS ${major}.0` });
    }
    case "opensuse-leap": {
      const m = /^(\d+\.\d+)/.exec(version);
      if (!m) return undefined;
      return { family, ecosystem: `openSUSE:Leap ${m[1]}`, label: `openSUSE Leap ${m[1]}` };
    }
    case "opensuse-tumbleweed":
      return { family, ecosystem: "openSUSE:Tumbleweed", label: "openSUSE Tumbleweed" };
    default:
      return undefined;
  }
}
