/**
 * procMount_restricted (restricted, v1.35+): the restricted level keeps requiring the default
 * /proc mount even for user-namespace pods, which the baseline procMount check exempts from
 * v1.35. Replaces procMount at the restricted level.
 *
 * Restricted fields: spec.containers[*].securityContext.procMount,
 * spec.initContainers[*].securityContext.procMount,
 * spec.ephemeralContainers[*].securityContext.procMount
 * Allowed values: undefined/null, "Default"
 */
import type { PodSecurityCheck } from "../types.js";
import { requireDefaultProcMount } from "./procMount.js";

export const procMountRestricted: PodSecurityCheck = {
  id: "procMount_restricted",
  level: "restricted",
  title: "Containers must use the default /proc mount, user namespace or not",
  docs: "securityContext.procMount must be Default or unset on every container, including in pods with spec.hostUsers: false.",
  versions: [{ minVersion: "v1.35", overrides: ["procMount"], evaluate: requireDefaultProcMount }],
};
