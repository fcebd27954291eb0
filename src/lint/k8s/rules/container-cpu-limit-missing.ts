/** container-cpu-limit-missing: no cpu limit (low: cpu is throttled, not killed; many teams omit it on purpose). */
import { containerResources, missingResourcePath } from "../resources.js";
import { type ContainerRule, describeContainer, RESOURCE_GROUPS } from "../rule.js";

export const containerCpuLimitMissing: ContainerRule = {
  id: "container-cpu-limit-missing",
  severity: "low",
  appliesTo: "container",
  groups: RESOURCE_GROUPS,
  title: "Container has no cpu limit",
  docs: "Without a cpu limit a busy container can use every idle core of the node. That is often intended (cpu is throttled, never killed), hence the low severity; set `resources.limits.cpu` where noisy neighbours matter, or turn the rule off in .portcullis.yaml.",
  check(ctx) {
    const r = containerResources(ctx.container);
    if (r.limits.cpu) return;
    return {
      message: `${describeContainer(ctx.container)} has no cpu limit`,
      path: missingResourcePath(ctx.container, "limits"),
      fix: "set resources.limits.cpu",
    };
  },
};
