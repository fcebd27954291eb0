/**
 * The registry of Pod Security Standards checks, mirroring pod-security-admission's: every
 * check file under ./checks is listed here once; this module validates them, and resolves which
 * implementation of which check is in force for a level and a policy version (restricted =
 * baseline checks not overridden by a restricted check, plus the restricted checks). It knows
 * nothing about what any individual check does.
 */
import { allowPrivilegeEscalation } from "./checks/allowPrivilegeEscalation.js";
import { appArmorProfile } from "./checks/appArmorProfile.js";
import { capabilitiesBaseline } from "./checks/capabilities_baseline.js";
import { capabilitiesRestricted } from "./checks/capabilities_restricted.js";
import { hostNamespaces } from "./checks/hostNamespaces.js";
import { hostPathVolumes } from "./checks/hostPathVolumes.js";
import { hostPorts } from "./checks/hostPorts.js";
import { hostProbesAndHostLifecycle } from "./checks/hostProbesAndHostLifecycle.js";
import { privileged } from "./checks/privileged.js";
import { procMount } from "./checks/procMount.js";
import { procMountRestricted } from "./checks/procMount_restricted.js";
import { restrictedVolumes } from "./checks/restrictedVolumes.js";
import { runAsNonRoot } from "./checks/runAsNonRoot.js";
import { runAsUser } from "./checks/runAsUser.js";
import { seccompProfileBaseline } from "./checks/seccompProfile_baseline.js";
import { seccompProfileRestricted } from "./checks/seccompProfile_restricted.js";
import { seLinuxOptions } from "./checks/seLinuxOptions.js";
import { sysctls } from "./checks/sysctls.js";
import { windowsHostProcess } from "./checks/windowsHostProcess.js";
import type { PodSecurityCheck, VersionedCheck } from "./types.js";
import { formatPolicyVersion, parsePolicyVersion } from "./version.js";

/** Every check, in no particular order (resolution sorts them as PSA does). */
export const podSecurityChecks: readonly PodSecurityCheck[] = Object.freeze([
  allowPrivilegeEscalation,
  appArmorProfile,
  capabilitiesBaseline,
  capabilitiesRestricted,
  hostNamespaces,
  hostPathVolumes,
  hostPorts,
  hostProbesAndHostLifecycle,
  privileged,
  procMount,
  procMountRestricted,
  restrictedVolumes,
  runAsNonRoot,
  runAsUser,
  seccompProfileBaseline,
  seccompProfileRestricted,
  seLinuxOptions,
  sysctls,
  windowsHostProcess,
]);

/** A check and the implementation of it in force at a resolved version. */
export interface ResolvedCheck {
  check: PodSecurityCheck;
  implementation: VersionedCheck;
}

export interface ResolvedPodSecurityPolicy {
  level: "baseline" | "restricted";
  /** The policy version actually evaluated (`latest` and newer versions clamp to the newest known). */
  version: string;
  /** In PSA's order: baseline checks by id, then restricted checks by id. */
  checks: readonly ResolvedCheck[];
  /** Baseline check id → the restricted check id that replaces it at this level and version. */
  overridden: ReadonlyMap<string, string>;
}

function validate(checks: readonly PodSecurityCheck[]): number {
  const levels = new Map<string, string>();
  let newest = 0;
  for (const c of checks) {
    if (levels.has(c.id)) throw new Error(`pss registry: check ${c.id} registered twice`);
    levels.set(c.id, c.level);
    if (!c.versions.length) throw new Error(`pss registry: check ${c.id} has no versions`);
    let previous = -1;
    for (const v of c.versions) {
      const minor = parsePolicyVersion(v.minVersion);
      if (minor <= previous) throw new Error(`pss registry: check ${c.id}: versions must strictly increase`);
      previous = minor;
    }
    newest = Math.max(newest, previous);
  }
  for (const c of checks) {
    for (const v of c.versions) {
      for (const o of v.overrides ?? []) {
        if (c.level !== "restricted")
          throw new Error(`pss registry: ${c.id}: only restricted checks may override`);
        if (levels.get(o) !== "baseline")
          throw new Error(`pss registry: ${c.id} overrides ${o}, not a baseline check`);
      }
    }
  }
  return newest;
}

/** The newest policy minor any check knows of: `latest` and newer versions evaluate as this one. */
export const NEWEST_POLICY_MINOR = validate(podSecurityChecks);

function implementationAt(check: PodSecurityCheck, minor: number): VersionedCheck | undefined {
  let found: VersionedCheck | undefined;
  for (const v of check.versions) {
    if (parsePolicyVersion(v.minVersion) > minor) break;
    found = v;
  }
  return found;
}

const byId = (a: PodSecurityCheck, b: PodSecurityCheck) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
const ORDERED = [
  ...podSecurityChecks.filter((c) => c.level === "baseline").sort(byId),
  ...podSecurityChecks.filter((c) => c.level === "restricted").sort(byId),
];

const cache = new Map<string, ResolvedPodSecurityPolicy>();

/**
 * Resolutions by level, then by the version text exactly as given (`latest`, `v1.30`, or
 * undefined): every policy evaluation resolves its level and version, and a hit here skips
 * parsing the version. Bounded per level (only valid texts get here, but a caller could send
 * endless distinct `v1.N`); past the bound, resolution goes through `cache` by minor.
 */
const byVersionText = new Map<string, Map<string | undefined, ResolvedPodSecurityPolicy>>();
const MAX_VERSION_TEXTS = 64;

/**
 * The checks in force for a level at a policy version (`latest` or `v1.N`; default latest).
 * Throws RangeError for a malformed version.
 */
export function resolvePodSecurityPolicy(
  level: "baseline" | "restricted",
  version?: string,
): ResolvedPodSecurityPolicy {
  let texts = byVersionText.get(level);
  const known = texts?.get(version);
  if (known) return known;
  const resolved = resolveByMinor(level, Math.min(parsePolicyVersion(version), NEWEST_POLICY_MINOR));
  if (!texts) byVersionText.set(level, (texts = new Map()));
  if (texts.size < MAX_VERSION_TEXTS) texts.set(version, resolved);
  return resolved;
}

function resolveByMinor(level: "baseline" | "restricted", minor: number): ResolvedPodSecurityPolicy {
  const key = `${level}:${minor}`;
  const hit = cache.get(key);
  if (hit) return hit;

  const active: ResolvedCheck[] = [];
  for (const check of ORDERED) {
    if (level === "baseline" && check.level !== "baseline") continue;
    const implementation = implementationAt(check, minor);
    if (implementation) active.push({ check, implementation });
  }
  const overridden = new Map<string, string>();
  if (level === "restricted") {
    for (const { check, implementation } of active) {
      for (const o of implementation.overrides ?? []) overridden.set(o, check.id);
    }
  }
  const resolved: ResolvedPodSecurityPolicy = {
    level,
    version: formatPolicyVersion(minor),
    checks: Object.freeze(active.filter(({ check }) => !overridden.has(check.id))),
    overridden,
  };
  cache.set(key, resolved);
  return resolved;
}
