/** container-memory-limit-missing: no memory limit. */
import { containerResources, missingResourcePath } from "../resources.js";
import { type ContainerRule, describeContainer, RESOURCE_GROUPS } from "../rule.js";

export const containerMemoryLimitMissing: ContainerRule = {
  id: "container-memory-limit-missing",
  severity: "medium",
  appliesTo: "container",
  groups: RESOURCE_GROUPS,
  title: "Container has no memory limit",
  docs: "Memory is not compressible: a container without a limit can take the node's memory until the kernel's OOM killer picks a victim, possibly another workload. Set `resources.limits.memory` (commonly equal to the request).",
  check(ctx) {
    const r = containerResources(ctx.container);
    if (r.limits.memory) return;
    return {
      message: `${describeContainer(ctx.container)} has no memory limit`,
      path: missingResourcePath(ctx.container, "limits"),
      fix: "set resources.limits.memory (e.g. equal to the request)",
    };
  },
};
