/**
 * container-run-as-non-root: nothing makes the container run as a non-root user: neither
 * `runAsNonRoot: true` nor a non-zero `runAsUser`, on the container or inherited from the pod.
 */
import { containerSecurityContextPath, effectiveField } from "../../../k8s/security-context.js";
import { type ContainerRule, describeContainer, isWindowsPod } from "../rule.js";

export const containerRunAsNonRoot: ContainerRule = {
  id: "container-run-as-non-root",
  severity: "medium",
  appliesTo: "container",
  title: "Container may run as root",
  docs: "Unless `runAsNonRoot: true` or a non-zero `runAsUser` is set (on the container, or on the pod's securityContext, which containers inherit unless they override it), the container runs as the image's USER, often root. Set `runAsNonRoot: true` (the kubelet then refuses to start a root container) and a numeric `runAsUser`. An explicit `runAsUser: 0` is reported by container-run-as-root instead.",
  check(ctx) {
    if (isWindowsPod(ctx)) return;
    const nonRoot = effectiveField(ctx.workload, ctx.container, "runAsNonRoot");
    if (nonRoot.value === true) return;
    const user = effectiveField(ctx.workload, ctx.container, "runAsUser");
    if (user.value !== undefined) return; // a non-zero uid runs as non-root; 0 is container-run-as-root
    if (nonRoot.value === false) {
      return {
        message: `${describeContainer(ctx.container)} sets runAsNonRoot: false${nonRoot.from === "pod" ? " (inherited from the pod)" : ""} and no runAsUser, so it runs as the image's user, which may be root`,
        path: nonRoot.path!,
        fix: "set runAsNonRoot: true and a non-zero runAsUser",
      };
    }
    return {
      message: `${describeContainer(ctx.container)} may run as root: neither runAsNonRoot: true nor runAsUser is set on the container or the pod`,
      path: containerSecurityContextPath(ctx.container),
      fix: "set securityContext.runAsNonRoot: true and runAsUser (e.g. 10001)",
    };
  },
};
