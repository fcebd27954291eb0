/**
 * windowsHostProcess (baseline, v1.0+): Windows pods may not run HostProcess containers, which
 * give privileged access to the Windows node.
 *
 * Restricted fields: spec.securityContext.windowsOptions.hostProcess and the same field on every
 * container, init container and ephemeral container
 * Allowed values: false, undefined/null
 */
import {
  ALLOWED,
  containerList,
  containerSecurityContext,
  containersOf,
  field,
  forbidden,
  podSecurityContext,
} from "../pod-model.js";
import type { FieldPath, PodSecurityCheck } from "../types.js";

export const windowsHostProcess: PodSecurityCheck = {
  id: "windowsHostProcess",
  level: "baseline",
  title: "Windows HostProcess containers are forbidden",
  docs: "securityContext.windowsOptions.hostProcess (pod and containers) must be false or unset.",
  versions: [
    {
      minVersion: "v1.0",
      evaluate(pod) {
        const setters: string[] = [];
        const fields: FieldPath[] = [];
        if (field(podSecurityContext(pod), "windowsOptions", "hostProcess") === true) {
          setters.push("pod");
          fields.push([...pod.specPath, "securityContext", "windowsOptions", "hostProcess"]);
        }
        const bad: string[] = [];
        for (const c of containersOf(pod)) {
          if (field(containerSecurityContext(c), "windowsOptions", "hostProcess") === true) {
            bad.push(c.name);
            fields.push([...c.path, "securityContext", "windowsOptions", "hostProcess"]);
          }
        }
        if (bad.length) setters.push(containerList(bad));
        return setters.length
          ? forbidden(
              "hostProcess",
              `${setters.join(" and ")} must not set securityContext.windowsOptions.hostProcess=true`,
              fields,
            )
          : ALLOWED;
      },
    },
  ],
};
