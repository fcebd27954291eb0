/** container-capabilities-not-dropped: capabilities.drop does not contain ALL. */
import { containerField, containerSecurityContextPath } from "../../../k8s/security-context.js";
import { type ContainerRule, describeContainer, isWindowsPod } from "../rule.js";

export const containerCapabilitiesNotDropped: ContainerRule = {
  id: "container-capabilities-not-dropped",
  severity: "medium",
  appliesTo: "container",
  title: "Capabilities are not dropped (drop: [ALL])",
  docs: "Container runtimes grant a default set of Linux capabilities (CHOWN, DAC_OVERRIDE, FOWNER, SETUID, SETGID, NET_BIND_SERVICE, KILL, …). Drop them all with `capabilities.drop: [ALL]` and add back only what is needed. Matched case-insensitively; the Pod Security Standard restricted (`--pss restricted`) requires exactly `ALL`.",
  check(ctx) {
    if (isWindowsPod(ctx)) return;
    const caps = containerField(ctx.container, "capabilities");
    const drop = (caps.value as { drop?: unknown } | undefined)?.drop;
    if (Array.isArray(drop) && drop.some((d) => typeof d === "string" && d.toUpperCase() === "ALL")) return;
    return {
      message: `${describeContainer(ctx.container)} does not drop all capabilities`,
      path: caps.path
        ? Array.isArray(drop)
          ? [...caps.path, "drop"]
          : caps.path
        : containerSecurityContextPath(ctx.container),
      fix: "set securityContext.capabilities.drop: [ALL] and add back only the capabilities needed",
    };
  },
};
