/**
 * container-resources-missing — spec.rules.resources: each container (init containers too)
 * must set the listed resource requests and limits (e.g. requests [cpu, memory], limits [memory]).
 */
import type { PodRule, Violation } from "../rule.js";

export const resources: PodRule = {
  id: "container-resources-missing",
  section: "resources",
  scope: "pod",
  title: "Container without the required resource requests or limits",
  docs: "Containers must declare the requests and limits named in spec.rules.resources, so that the scheduler can place them and one pod cannot starve a node.",
  check({ policy, pod }) {
    const r = policy.spec.rules?.resources;
    if (!r) return [];
    const out: Violation[] = [];
    for (const c of pod.containers) {
      if (c.kind === "ephemeralContainers") continue;
      const res = (c.container.resources ?? {}) as {
        requests?: Record<string, unknown>;
        limits?: Record<string, unknown>;
      };
      const missing: string[] = [];
      for (const n of r.requests ?? []) if (res.requests?.[n] === undefined) missing.push(`requests.${n}`);
      for (const n of r.limits ?? []) if (res.limits?.[n] === undefined) missing.push(`limits.${n}`);
      if (missing.length) {
        out.push({
          rule: this.id,
          message: `container ${c.name} does not set resources ${missing.join(", ")}`,
          path: c.path,
        });
      }
    }
    return out;
  },
};
