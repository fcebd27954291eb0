/**
 * `--pss baseline|restricted[:v1.N]`: parse the flag and adapt the Pod Security Standards
 * evaluator (src/pss/) to the lint engine, whose findings are then named
 * `pss-<level>:<check id>` and located at the first offending field.
 */
import { evaluatePodSecurity, podSecurityChecks, resolvePodSecurityPolicy } from "../../pss/index.js";
import type { PodSecurityHook } from "./engine.js";

export class PodSecuritySpecError extends Error {
  override readonly name = "PodSecuritySpecError";
}

/** Parse `baseline`, `restricted`, `restricted:v1.30`, `baseline:latest`. */
export function parsePodSecuritySpec(spec: string): { level: "baseline" | "restricted"; version: string } {
  const [level, version = "latest", ...rest] = spec.split(":");
  if ((level !== "baseline" && level !== "restricted") || rest.length > 0) {
    throw new PodSecuritySpecError(
      `--pss: expected baseline or restricted, optionally with a version (restricted:v1.30), got '${spec}'`,
    );
  }
  if (version !== "latest" && !/^v1\.(0|[1-9][0-9]*)$/.test(version)) {
    throw new PodSecuritySpecError(
      `--pss: expected a version latest or v1.N after '${level}:', got '${version}'`,
    );
  }
  return { level, version };
}

export function podSecurityHook(spec: string): PodSecurityHook {
  const { level, version } = parsePodSecuritySpec(spec);
  // Resolve once up front so a bad version fails before any input is read.
  resolvePodSecurityPolicy(level, version);
  return {
    level,
    version,
    evaluate: (obj) => evaluatePodSecurity(obj, { level, version }).violations,
    describe: (checkId) => {
      const c = podSecurityChecks.find((x) => x.id === checkId);
      return c ? { title: c.title, docs: c.docs } : undefined;
    },
  };
}
