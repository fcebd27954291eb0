/**
 * hostPorts (baseline, v1.0+): host ports must be disallowed (or limited to a known list, which
 * the standard leaves to the cluster: the check forbids them all).
 *
 * Restricted fields: spec.containers[*].ports[*].hostPort,
 * spec.initContainers[*].ports[*].hostPort, spec.ephemeralContainers[*].ports[*].hostPort
 * Allowed values: undefined/null, 0
 */
import {
  ALLOWED,
  asArray,
  asObject,
  containerList,
  containersOf,
  forbidden,
  isSet,
  pluralize,
  sortedSet,
} from "../pod-model.js";
import type { FieldPath, PodSecurityCheck } from "../types.js";

export const hostPorts: PodSecurityCheck = {
  id: "hostPorts",
  level: "baseline",
  title: "Containers must not use host ports",
  docs: "ports[*].hostPort must be unset or 0 on every container, init container and ephemeral container.",
  versions: [
    {
      minVersion: "v1.0",
      evaluate(pod) {
        const bad: string[] = [];
        const ports: string[] = [];
        const fields: FieldPath[] = [];
        for (const c of containersOf(pod)) {
          let valid = true;
          asArray(c.container.ports).forEach((p, j) => {
            const hostPort = asObject(p)?.hostPort;
            if (isSet(hostPort) && hostPort !== 0) {
              valid = false;
              ports.push(String(hostPort));
              fields.push([...c.path, "ports", j, "hostPort"]);
            }
          });
          if (!valid) bad.push(c.name);
        }
        if (!bad.length) return ALLOWED;
        const distinct = sortedSet(ports);
        return forbidden(
          "hostPort",
          `${containerList(bad)} ${pluralize("uses", "use", bad.length)} ${pluralize("hostPort", "hostPorts", distinct.length)} ${distinct.join(", ")}`,
          fields,
        );
      },
    },
  ],
};
