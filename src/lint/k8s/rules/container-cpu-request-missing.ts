/** container-cpu-request-missing: neither a cpu request nor a cpu limit (which would default it). */
import { containerResources, missingResourcePath } from "../resources.js";
import { type ContainerRule, describeContainer, RESOURCE_GROUPS } from "../rule.js";

export const containerCpuRequestMissing: ContainerRule = {
  id: "container-cpu-request-missing",
  severity: "medium",
  appliesTo: "container",
  groups: RESOURCE_GROUPS,
  title: "Container has no cpu request",
  docs: "Without a cpu request the scheduler places the pod as if it needed no cpu, and under contention it gets the smallest share (BestEffort). Set `resources.requests.cpu`. A cpu limit alone is enough: the API server then defaults the request to the limit.",
  check(ctx) {
    const r = containerResources(ctx.container);
    if (r.requests.cpu || r.limits.cpu) return;
    return {
      message: `${describeContainer(ctx.container)} has no cpu request`,
      path: missingResourcePath(ctx.container, "requests"),
      fix: "set resources.requests.cpu (e.g. 100m)",
    };
  },
};
