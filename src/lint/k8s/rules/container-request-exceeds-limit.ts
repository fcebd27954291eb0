/** container-request-exceeds-limit: a cpu or memory request greater than its limit (the API server rejects it). */
import { compareQuantities } from "../../../k8s/quantity.js";
import { containerResources, type ResourceName } from "../resources.js";
import { type ContainerRule, describeContainer, type Issue, RESOURCE_GROUPS } from "../rule.js";

export const containerRequestExceedsLimit: ContainerRule = {
  id: "container-request-exceeds-limit",
  severity: "high",
  appliesTo: "container",
  groups: RESOURCE_GROUPS,
  title: "Resource request is greater than its limit",
  docs: "A request above its limit is invalid: the API server rejects the pod (`must be less than or equal to … limit`), so the workload never starts. Quantities are compared exactly, across suffixes (`1Gi` > `1000Mi` > `1G`).",
  check(ctx) {
    const r = containerResources(ctx.container);
    const issues: Issue[] = [];
    for (const name of ["cpu", "memory"] as ResourceName[]) {
      const req = r.requests[name]?.quantity;
      const lim = r.limits[name]?.quantity;
      if (!req || !lim || compareQuantities(req, lim) <= 0) continue;
      issues.push({
        message: `${describeContainer(ctx.container)} requests ${name} ${req.text}, more than its limit ${lim.text}`,
        path: r.requests[name]!.path,
        fix: `lower the ${name} request to at most ${lim.text}, or raise the limit`,
      });
    }
    return issues;
  },
};
