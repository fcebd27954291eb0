/** container-root-filesystem-writable: readOnlyRootFilesystem is not true. */
import { containerField, containerSecurityContextPath } from "../../../k8s/security-context.js";
import { type ContainerRule, describeContainer, isWindowsPod } from "../rule.js";

export const containerRootFilesystemWritable: ContainerRule = {
  id: "container-root-filesystem-writable",
  severity: "medium",
  appliesTo: "container",
  title: "Root filesystem is writable",
  docs: "A writable root filesystem lets an attacker drop tools and persist changes inside the container. Set `securityContext.readOnlyRootFilesystem: true` (a container-only field) and mount an `emptyDir` where the application must write (`/tmp`, caches).",
  check(ctx) {
    if (isWindowsPod(ctx)) return;
    const ro = containerField(ctx.container, "readOnlyRootFilesystem");
    if (ro.value === true) return;
    return {
      message: `${describeContainer(ctx.container)} has a writable root filesystem`,
      path: ro.path ?? containerSecurityContextPath(ctx.container),
      fix: "set securityContext.readOnlyRootFilesystem: true and mount emptyDir volumes where writes are needed",
    };
  },
};
