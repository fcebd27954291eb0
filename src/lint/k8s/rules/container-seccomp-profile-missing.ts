/**
 * container-seccomp-profile-missing: the effective seccompProfile (container, else pod) is not
 * RuntimeDefault or Localhost.
 */
import { containerSecurityContextPath, effectiveField } from "../../../k8s/security-context.js";
import { type ContainerRule, describeContainer, isWindowsPod } from "../rule.js";

export const containerSeccompProfileMissing: ContainerRule = {
  id: "container-seccomp-profile-missing",
  severity: "medium",
  appliesTo: "container",
  title: "No seccomp profile (RuntimeDefault or Localhost)",
  docs: "Kubernetes runs containers Unconfined by seccomp unless a profile is set (the kubelet's SeccompDefault feature changes that only where enabled). Set `seccompProfile.type: RuntimeDefault` on the pod's securityContext (containers inherit it) or on the container. `Unconfined` is reported too.",
  check(ctx) {
    if (isWindowsPod(ctx)) return;
    const sp = effectiveField(ctx.workload, ctx.container, "seccompProfile");
    const type = (sp.value as { type?: unknown } | undefined)?.type;
    if (type === "RuntimeDefault" || type === "Localhost") return;
    if (sp.path) {
      return {
        message: `${describeContainer(ctx.container)} has seccomp profile ${typeof type === "string" ? type : "without a type"}${sp.from === "pod" ? " (inherited from the pod)" : ""}`,
        path: type !== undefined ? [...sp.path, "type"] : sp.path,
        fix: "set seccompProfile.type: RuntimeDefault",
      };
    }
    return {
      message: `${describeContainer(ctx.container)} has no seccomp profile (it runs Unconfined)`,
      path: containerSecurityContextPath(ctx.container),
      fix: "set spec.securityContext.seccompProfile.type: RuntimeDefault",
    };
  },
};
