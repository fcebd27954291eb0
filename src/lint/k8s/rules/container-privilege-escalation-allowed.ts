/** container-privilege-escalation-allowed: allowPrivilegeEscalation is not false. */
import { containerField, containerSecurityContextPath } from "../../../k8s/security-context.js";
import { type ContainerRule, describeContainer, isWindowsPod } from "../rule.js";

export const containerPrivilegeEscalationAllowed: ContainerRule = {
  id: "container-privilege-escalation-allowed",
  severity: "medium",
  appliesTo: "container",
  title: "Privilege escalation is allowed",
  docs: "Unless `allowPrivilegeEscalation: false` is set, a process can gain more privileges than its parent (setuid binaries, file capabilities): the kernel's no_new_privs flag is off. It is a container-only field and defaults to allowed. Note that it is always true for privileged containers or ones with CAP_SYS_ADMIN.",
  check(ctx) {
    if (isWindowsPod(ctx)) return;
    const ape = containerField(ctx.container, "allowPrivilegeEscalation");
    if (ape.value === false) return;
    return {
      message:
        ape.value === true
          ? `${describeContainer(ctx.container)} sets allowPrivilegeEscalation: true`
          : `${describeContainer(ctx.container)} does not set allowPrivilegeEscalation: false (it defaults to allowed)`,
      path: ape.path ?? containerSecurityContextPath(ctx.container),
      fix: "set securityContext.allowPrivilegeEscalation: false",
    };
  },
};
