/**
 * hostNamespaces (baseline, v1.0+): sharing the host's network, PID or IPC namespace must be
 * disallowed.
 *
 * Restricted fields: spec.hostNetwork, spec.hostPID, spec.hostIPC
 * Allowed values: false, undefined/null
 */
import { ALLOWED, forbidden } from "../pod-model.js";
import type { FieldPath, PodSecurityCheck } from "../types.js";

const NAMESPACE_FIELDS = ["hostNetwork", "hostPID", "hostIPC"] as const;

export const hostNamespaces: PodSecurityCheck = {
  id: "hostNamespaces",
  level: "baseline",
  title: "Host namespaces (hostNetwork, hostPID, hostIPC) must not be shared",
  docs: "spec.hostNetwork, spec.hostPID and spec.hostIPC must be false or unset.",
  versions: [
    {
      minVersion: "v1.0",
      evaluate(pod) {
        const set: string[] = [];
        const fields: FieldPath[] = [];
        for (const name of NAMESPACE_FIELDS) {
          if (pod.spec[name] === true) {
            set.push(`${name}=true`);
            fields.push([...pod.specPath, name]);
          }
        }
        return set.length ? forbidden("host namespaces", set.join(", "), fields) : ALLOWED;
      },
    },
  ],
};
