/** pod-host-path-volume: a volume of type hostPath. */
import { isObject } from "../../../k8s/workload.js";
import type { Issue, PodRule } from "../rule.js";

export const podHostPathVolume: PodRule = {
  id: "pod-host-path-volume",
  severity: "high",
  appliesTo: "pod",
  title: "Pod mounts a hostPath volume",
  docs: "A hostPath volume exposes the node's filesystem: a writable mount of `/`, `/var/run/docker.sock`, `/etc` or `/var/lib/kubelet` is a node takeover. Use a PersistentVolumeClaim, emptyDir, configMap or a CSI driver instead.",
  check(ctx) {
    const volumes = ctx.workload.podSpec.volumes;
    if (!Array.isArray(volumes)) return;
    const issues: Issue[] = [];
    volumes.forEach((v, i) => {
      if (!isObject(v) || !isObject(v.hostPath)) return;
      const hostPath = typeof v.hostPath.path === "string" ? v.hostPath.path : "?";
      issues.push({
        message: `volume ${typeof v.name === "string" ? v.name : `#${i}`} mounts host path ${hostPath}`,
        path: [...ctx.workload.podSpecPath, "volumes", i, "hostPath"],
        fix: "use an emptyDir, configMap, PersistentVolumeClaim or CSI volume",
      });
    });
    return issues;
  },
};
