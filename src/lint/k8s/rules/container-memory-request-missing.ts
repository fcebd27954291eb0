/** container-memory-request-missing: neither a memory request nor a memory limit (which would default it). */
import { containerResources, missingResourcePath } from "../resources.js";
import { type ContainerRule, describeContainer, RESOURCE_GROUPS } from "../rule.js";

export const containerMemoryRequestMissing: ContainerRule = {
  id: "container-memory-request-missing",
  severity: "medium",
  appliesTo: "container",
  groups: RESOURCE_GROUPS,
  title: "Container has no memory request",
  docs: "Without a memory request the scheduler can overcommit the node and the pod is among the first evicted under memory pressure. Set `resources.requests.memory`. A memory limit alone is enough: the API server then defaults the request to the limit.",
  check(ctx) {
    const r = containerResources(ctx.container);
    if (r.requests.memory || r.limits.memory) return;
    return {
      message: `${describeContainer(ctx.container)} has no memory request`,
      path: missingResourcePath(ctx.container, "requests"),
      fix: "set resources.requests.memory (e.g. 128Mi)",
    };
  },
};
