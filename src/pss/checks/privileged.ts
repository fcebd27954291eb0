/**
 * privileged (baseline, v1.0+): privileged containers disable most security mechanisms.
 *
 * Restricted fields: spec.containers[*].securityContext.privileged,
 * spec.initContainers[*].securityContext.privileged,
 * spec.ephemeralContainers[*].securityContext.privileged
 * Allowed values: false, undefined/null
 */
import { ALLOWED, containerList, containerSecurityContext, containersOf, forbidden } from "../pod-model.js";
import type { FieldPath, PodSecurityCheck } from "../types.js";

export const privileged: PodSecurityCheck = {
  id: "privileged",
  level: "baseline",
  title: "Containers must not be privileged",
  docs: "securityContext.privileged must be false or unset on every container, init container and ephemeral container.",
  versions: [
    {
      minVersion: "v1.0",
      evaluate(pod) {
        const bad: string[] = [];
        const fields: FieldPath[] = [];
        for (const c of containersOf(pod)) {
          if (containerSecurityContext(c)?.privileged === true) {
            bad.push(c.name);
            fields.push([...c.path, "securityContext", "privileged"]);
          }
        }
        return bad.length
          ? forbidden(
              "privileged",
              `${containerList(bad)} must not set securityContext.privileged=true`,
              fields,
            )
          : ALLOWED;
      },
    },
  ],
};
