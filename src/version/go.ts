/**
 * Go versions, in the two forms a scanner meets:
 * - module versions, `v` + SemVer as golang.org/x/mod/semver reads it: `v1.2.3`, the shorthands
 *   `v1` = `v1.0.0` and `v1.2` = `v1.2.0`, pre-releases, build metadata ignored (so
 *   `v2.0.0+incompatible` = `v2.0.0`), pseudo-versions (`v0.0.0-20191109021931-daa7c04131f5`,
 *   `v1.2.4-0.20191109021931-daa7c04131f5`) ordered by their pre-release as SemVer says;
 * - Go toolchain / standard library versions as go/version reads them: `go1.21.3` or `1.21.3`,
 *   `go1.21rc1`, `go1.9beta2`; `1.21` (no patch, Go ≥ 1.21) is the language version and sorts
 *   before `1.21rc1`, which sorts before `1.21.0`; before Go 1.21, `1.20` = `1.20.0`.
 * A version without `v` or `go` that is not a toolchain version is read as SemVer without the `v`
 * (the OSV Go ecosystem writes versions that way, e.g. `0.0.0-20220315…`). Both forms map onto
 * SemVer, so they compare with each other (`go1.21.3` = `v1.21.3`; `1.21` maps to `1.21.0-0`).
 * Not for `go.mod` `go` directives' toolchain selection rules.
 */
import { SemVer } from "semver";
import { InvalidVersionError } from "./errors.js";
import type { VersionOrder, VersionScheme } from "./scheme.js";

const SCHEME = "go";

const NUM = "(0|[1-9][0-9]*)";
const SHORTHAND = new RegExp(`^v${NUM}(?:\\.${NUM})?$`);
// go/version (internal/gover): 1, 1.N, 1.N.P, 1.N{alpha|beta|rc}K.
const TOOLCHAIN = new RegExp(`^${NUM}(?:\\.${NUM}(?:\\.${NUM}|([a-z]+)${NUM}?)?)?$`);

/** The SemVer string a Go version maps to, or undefined with why it is not valid. */
function toSemver(version: string): { semver?: string; reason?: string } {
  if (/\s/.test(version)) return { reason: "contains whitespace" };
  if (version.startsWith("go")) {
    const t = toolchainToSemver(version.slice(2));
    return t
      ? { semver: t }
      : { reason: "not a Go toolchain version; expected go1.N[.P] or go1.N{alpha|beta|rc}K" };
  }
  if (version.startsWith("v")) {
    const m = SHORTHAND.exec(version);
    if (m) return { semver: `${m[1]}.${m[2] ?? "0"}.0` };
    if (isStrictSemver(version.slice(1))) return { semver: version.slice(1) };
    return { reason: "not a Go module version; expected vMAJOR[.MINOR[.PATCH[-PRERELEASE][+BUILD]]]" };
  }
  const t = toolchainToSemver(version);
  if (t) return { semver: t };
  if (isStrictSemver(version)) return { semver: version };
  return {
    reason: "not a Go version; expected vX.Y.Z (module), go1.N.P / 1.N.P (toolchain) or X.Y.Z (OSV)",
  };
}

function isStrictSemver(v: string): boolean {
  if (v.startsWith("v")) return false;
  try {
    new SemVer(v);
    return true;
  } catch {
    return false;
  }
}

/** go/version ordering expressed as SemVer: 1.21 → 1.21.0-0, 1.21rc1 → 1.21.0-rc.1, 1.20 → 1.20.0. */
function toolchainToSemver(v: string): string | undefined {
  const m = TOOLCHAIN.exec(v);
  if (!m) return undefined;
  const [, major, minor, patch, kind, pre] = m;
  if (minor === undefined) return `${major}.0.0`;
  if (patch !== undefined) return `${major}.${minor}.${patch}`;
  if (kind !== undefined) {
    return `${major}.${minor}.0-${kind}${pre !== undefined ? `.${pre}` : ""}`;
  }
  // No patch: before Go 1.21 that means .0; from 1.21 on it is the language version, before rc1.
  const beforeGo121 = major === "0" || (major === "1" && Number(minor) < 21);
  return beforeGo121 ? `${major}.${minor}.0` : `${major}.${minor}.0-0`;
}

export function parseGoVersion(version: string): SemVer {
  const { semver, reason } = toSemver(version);
  if (semver === undefined) throw new InvalidVersionError(SCHEME, version, reason ?? "not a Go version");
  try {
    return new SemVer(semver);
  } catch {
    throw new InvalidVersionError(SCHEME, version, "version numbers must fit in 2^53");
  }
}

export function compareGoVersions(a: string, b: string): VersionOrder {
  return parseGoVersion(a).compare(parseGoVersion(b));
}

/** Whether a module version is a pseudo-version (as golang.org/x/mod/module.IsPseudoVersion). */
export function isGoPseudoVersion(version: string): boolean {
  return (
    /^v[0-9]+\.(0\.0-|\d+\.\d+-([^+]*\.)?0\.)\d{14}-[A-Za-z0-9]+(\+[0-9A-Za-z-]+(\.[0-9A-Za-z-]+)*)?$/.test(
      version,
    ) && parseGoVersionOrUndefined(version) !== undefined
  );
}

function parseGoVersionOrUndefined(v: string): SemVer | undefined {
  try {
    return parseGoVersion(v);
  } catch {
    return undefined;
  }
}

export const goScheme: VersionScheme = {
  id: SCHEME,
  follows: "golang.org/x/mod/semver (modules) and go/version (toolchain), mapped onto SemVer 2.0.0",
  validate(version) {
    const r = toSemver(version);
    if (r.semver === undefined) return r.reason;
    return parseGoVersionOrUndefined(version) ? undefined : "version numbers must fit in 2^53";
  },
  compare: compareGoVersions,
};
