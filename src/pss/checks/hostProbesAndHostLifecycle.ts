/**
 * hostProbesAndHostLifecycle (baseline, v1.34+): probes and lifecycle handlers must not target
 * another host, which would let the kubelet reach arbitrary addresses on the pod's behalf.
 *
 * Restricted fields, on every container, init container and ephemeral container:
 * livenessProbe / readinessProbe / startupProbe .httpGet.host and .tcpSocket.host,
 * lifecycle.postStart / lifecycle.preStop .httpGet.host and .tcpSocket.host
 * Allowed values: "", undefined/null
 */
import {
  ALLOWED,
  asObject,
  containerList,
  containersOf,
  forbidden,
  joinQuote,
  pluralize,
  sortedSet,
  str,
} from "../pod-model.js";
import type { ContainerVisit, FieldPath, JsonObject, PodSecurityCheck } from "../types.js";

const PROBES = ["livenessProbe", "readinessProbe", "startupProbe"] as const;
const HOOKS = ["postStart", "preStop"] as const;
const HANDLERS = ["httpGet", "tcpSocket"] as const;

/** The host a probe's or hook's handler of this kind targets; "" when it names none. */
function handlerHost(holder: JsonObject | undefined, kind: (typeof HANDLERS)[number]): string {
  return str(asObject(holder?.[kind])?.host);
}

function holderSetsHost(holder: JsonObject | undefined): boolean {
  for (const kind of HANDLERS) if (handlerHost(holder, kind) !== "") return true;
  return false;
}

/** Whether any probe or lifecycle hook of the container names a host (the cheap first pass). */
function setsHost(c: ContainerVisit): boolean {
  for (const probe of PROBES) if (holderSetsHost(asObject(c.container[probe]))) return true;
  const lifecycle = asObject(c.container.lifecycle);
  for (const hook of HOOKS) if (holderSetsHost(asObject(lifecycle?.[hook]))) return true;
  return false;
}

export const hostProbesAndHostLifecycle: PodSecurityCheck = {
  id: "hostProbesAndHostLifecycle",
  level: "baseline",
  title: "Probes and lifecycle hooks must not set a host",
  docs:
    "httpGet.host and tcpSocket.host in livenessProbe, readinessProbe, startupProbe, lifecycle.postStart and " +
    "lifecycle.preStop must be empty or unset (v1.34+).",
  versions: [
    {
      minVersion: "v1.34",
      evaluate(pod) {
        // Most pods pass: find that out without building paths, then explain a failure.
        if (!containersOf(pod).some(setsHost)) return ALLOWED;
        const bad = new Set<string>();
        const hosts: string[] = [];
        const fields: FieldPath[] = [];
        for (const c of containersOf(pod)) {
          const inspect = (handler: JsonObject | undefined, at: FieldPath) => {
            for (const kind of HANDLERS) {
              const host = handlerHost(handler, kind);
              if (host !== "") {
                bad.add(c.name);
                hosts.push(host);
                fields.push([...at, kind, "host"]);
              }
            }
          };
          for (const probe of PROBES) inspect(asObject(c.container[probe]), [...c.path, probe]);
          const lifecycle = asObject(c.container.lifecycle);
          for (const hook of HOOKS) inspect(asObject(lifecycle?.[hook]), [...c.path, "lifecycle", hook]);
        }
        if (!bad.size) return ALLOWED;
        const names = sortedSet(bad);
        const distinct = sortedSet(hosts);
        return forbidden(
          "probe or lifecycle host",
          `${containerList(names)} ${pluralize("uses", "use", names.length)} ${pluralize("probe or lifecycle host", "probe or lifecycle hosts", distinct.length)} ${joinQuote(distinct)}`,
          fields,
        );
      },
    },
  ],
};
