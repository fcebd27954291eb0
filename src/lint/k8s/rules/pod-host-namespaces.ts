/** pod-host-namespaces: hostNetwork, hostPID or hostIPC is true. */
import type { Issue, PodRule } from "../rule.js";

const WHAT: Record<string, string> = {
  hostNetwork: "the node's network namespace: it sees all host traffic and can bind host ports",
  hostPID: "the node's process namespace: it sees and can signal every process on the node",
  hostIPC: "the node's IPC namespace: shared memory of host processes",
};

export const podHostNamespaces: PodRule = {
  id: "pod-host-namespaces",
  severity: "high",
  appliesTo: "pod",
  title: "Pod shares a host namespace (hostNetwork, hostPID, hostIPC)",
  docs: "Sharing the node's network, process or IPC namespace removes the isolation between the pod and the node. Remove `hostNetwork`, `hostPID` and `hostIPC` unless the workload is a node agent that truly needs them (then suppress with a reason).",
  check(ctx) {
    const issues: Issue[] = [];
    for (const field of ["hostNetwork", "hostPID", "hostIPC"]) {
      if (ctx.workload.podSpec[field] !== true) continue;
      issues.push({
        message: `pod sets ${field}: true and shares ${WHAT[field]}`,
        path: [...ctx.workload.podSpecPath, field],
        fix: `remove ${field}: true`,
      });
    }
    return issues;
  },
};
