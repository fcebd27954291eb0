/**
 * capabilities_baseline (baseline, v1.0+): adding NET_RAW or any capability beyond the
 * container runtime's default set must be disallowed.
 *
 * Restricted fields: spec.containers[*].securityContext.capabilities.add,
 * spec.initContainers[*].securityContext.capabilities.add,
 * spec.ephemeralContainers[*].securityContext.capabilities.add
 * Allowed values: undefined/empty, or values from AUDIT_WRITE, CHOWN, DAC_OVERRIDE, FOWNER,
 * FSETID, KILL, MKNOD, NET_BIND_SERVICE, SETFCAP, SETGID, SETPCAP, SETUID, SYS_CHROOT
 *
 * At the restricted level, capabilities_restricted replaces this check from v1.22.
 */
import {
  ALLOWED,
  asArray,
  containerList,
  containerSecurityContext,
  containersOf,
  field,
  forbidden,
  joinQuote,
  sortedSet,
  str,
} from "../pod-model.js";
import type { FieldPath, PodSecurityCheck } from "../types.js";

export const BASELINE_CAPABILITIES: ReadonlySet<string> = new Set([
  "AUDIT_WRITE",
  "CHOWN",
  "DAC_OVERRIDE",
  "FOWNER",
  "FSETID",
  "KILL",
  "MKNOD",
  "NET_BIND_SERVICE",
  "SETFCAP",
  "SETGID",
  "SETPCAP",
  "SETUID",
  "SYS_CHROOT",
]);

export const capabilitiesBaseline: PodSecurityCheck = {
  id: "capabilities_baseline",
  level: "baseline",
  title: "Containers may only add capabilities from the default set",
  docs:
    "securityContext.capabilities.add may only list AUDIT_WRITE, CHOWN, DAC_OVERRIDE, FOWNER, FSETID, KILL, " +
    "MKNOD, NET_BIND_SERVICE, SETFCAP, SETGID, SETPCAP, SETUID, SYS_CHROOT (NET_RAW is not allowed).",
  versions: [
    {
      minVersion: "v1.0",
      evaluate(pod) {
        const bad: string[] = [];
        const caps: string[] = [];
        const fields: FieldPath[] = [];
        for (const c of containersOf(pod)) {
          const add = asArray(field(containerSecurityContext(c), "capabilities", "add"));
          let valid = true;
          add.forEach((cap, j) => {
            if (!BASELINE_CAPABILITIES.has(str(cap))) {
              valid = false;
              caps.push(str(cap));
              fields.push([...c.path, "securityContext", "capabilities", "add", j]);
            }
          });
          if (!valid) bad.push(c.name);
        }
        return bad.length
          ? forbidden(
              "non-default capabilities",
              `${containerList(bad)} must not include ${joinQuote(sortedSet(caps))} in securityContext.capabilities.add`,
              fields,
            )
          : ALLOWED;
      },
    },
  ],
};
