/**
 * capabilities_restricted (restricted, v1.22+): containers must drop ALL capabilities and may
 * only add back NET_BIND_SERVICE.
 *
 * Restricted fields: spec.containers[*].securityContext.capabilities.drop (and init and
 * ephemeral containers)
 * Allowed values: must include "ALL"
 *
 * Restricted fields: spec.containers[*].securityContext.capabilities.add (and init and
 * ephemeral containers)
 * Allowed values: undefined/empty, "NET_BIND_SERVICE"
 *
 * v1.25+: Windows pods (spec.os.name: windows) are exempt. Replaces capabilities_baseline at
 * the restricted level.
 */
import {
  ALLOWED,
  asArray,
  asObject,
  closestExisting,
  containerList,
  containerSecurityContext,
  containersOf,
  forbidden,
  isWindowsPod,
  joinQuote,
  sortedSet,
  str,
} from "../pod-model.js";
import type { CheckResult, ContainerVisit, FieldPath, PodSecurityCheck, PodUnderTest } from "../types.js";

/** Path of a field under the container's securityContext.capabilities. */
function capabilitiesPath(c: ContainerVisit, ...rest: (string | number)[]): FieldPath {
  return [...c.path, "securityContext", "capabilities", ...rest];
}

const isAll = (d: unknown) => d === "ALL";

function requireDropAll(pod: PodUnderTest): CheckResult {
  const missingDropAll: string[] = [];
  const addingForbidden: string[] = [];
  const caps: string[] = [];
  const fields: FieldPath[] = [];
  for (const c of containersOf(pod)) {
    const capabilities = asObject(containerSecurityContext(c)?.capabilities);
    if (!asArray(capabilities?.drop).some(isAll)) {
      missingDropAll.push(c.name);
      fields.push(closestExisting(pod.root, capabilitiesPath(c, "drop")));
    }
    let addsForbidden = false;
    const add = asArray(capabilities?.add);
    for (let j = 0; j < add.length; j++) {
      if (!(j in add) || add[j] === "NET_BIND_SERVICE") continue; // (holes of a sparse array are skipped)
      addsForbidden = true;
      caps.push(str(add[j]));
      fields.push(capabilitiesPath(c, "add", j));
    }
    if (addsForbidden) addingForbidden.push(c.name);
  }
  const details: string[] = [];
  if (missingDropAll.length) {
    details.push(`${containerList(missingDropAll)} must set securityContext.capabilities.drop=["ALL"]`);
  }
  if (addingForbidden.length) {
    details.push(
      `${containerList(addingForbidden)} must not include ${joinQuote(sortedSet(caps))} in securityContext.capabilities.add`,
    );
  }
  return details.length ? forbidden("unrestricted capabilities", details.join("; "), fields) : ALLOWED;
}

export const capabilitiesRestricted: PodSecurityCheck = {
  id: "capabilities_restricted",
  level: "restricted",
  title: "Containers must drop ALL capabilities and add at most NET_BIND_SERVICE",
  docs:
    'securityContext.capabilities.drop must include "ALL" and capabilities.add may only list NET_BIND_SERVICE, ' +
    "on every container; Windows pods (spec.os.name: windows) are exempt from v1.25.",
  versions: [
    { minVersion: "v1.22", overrides: ["capabilities_baseline"], evaluate: requireDropAll },
    {
      minVersion: "v1.25",
      overrides: ["capabilities_baseline"],
      evaluate: (pod) => (isWindowsPod(pod) ? ALLOWED : requireDropAll(pod)),
    },
  ],
};
