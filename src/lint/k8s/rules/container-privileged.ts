/** container-privileged: securityContext.privileged is true. */
import { containerField } from "../../../k8s/security-context.js";
import { type ContainerRule, describeContainer } from "../rule.js";

export const containerPrivileged: ContainerRule = {
  id: "container-privileged",
  severity: "critical",
  appliesTo: "container",
  title: "Container is privileged",
  docs: "A privileged container has every capability, all host devices and no seccomp or AppArmor confinement: it is root on the node. Remove `privileged: true`; grant the specific capability or device the workload needs instead.",
  check(ctx) {
    const p = containerField(ctx.container, "privileged");
    if (p.value !== true) return;
    return {
      message: `${describeContainer(ctx.container)} is privileged: it has full access to the node`,
      path: p.path!,
      fix: "remove privileged: true; add only the capabilities needed",
    };
  },
};
