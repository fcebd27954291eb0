/** container-run-as-root: the effective runAsUser (container, else pod) is 0. */
import { effectiveField } from "../../../k8s/security-context.js";
import { type ContainerRule, describeContainer, isWindowsPod } from "../rule.js";

export const containerRunAsRoot: ContainerRule = {
  id: "container-run-as-root",
  severity: "high",
  appliesTo: "container",
  title: "Container runs as user 0 (root)",
  docs: "`runAsUser: 0` runs the process as root: a container escape, a writable hostPath or a kernel bug then acts as root on the node. A container-level value overrides the pod's; the finding points at the field that decides. Use a non-zero uid.",
  check(ctx) {
    if (isWindowsPod(ctx)) return;
    const user = effectiveField(ctx.workload, ctx.container, "runAsUser");
    if (user.value !== 0) return;
    return {
      message: `${describeContainer(ctx.container)} runs as root (runAsUser: 0${user.from === "pod" ? ", inherited from the pod" : ""})`,
      path: user.path!,
      fix: "use a non-zero runAsUser and runAsNonRoot: true",
    };
  },
};
