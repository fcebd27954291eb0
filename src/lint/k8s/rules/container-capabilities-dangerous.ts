/** container-capabilities-dangerous: capabilities.add names a capability that amounts to root on the node. */
import { containerField } from "../../../k8s/security-context.js";
import { type ContainerRule, describeContainer, type Issue } from "../rule.js";

/** Capabilities that give control of the host, its kernel or other processes. */
const DANGEROUS: Record<string, string> = {
  ALL: "every capability",
  SYS_ADMIN: "mount, namespaces, BPF and much more: close to full root",
  SYS_MODULE: "load kernel modules",
  SYS_RAWIO: "raw access to devices and I/O ports",
  SYS_PTRACE: "trace and inject into other processes",
  SYS_BOOT: "reboot the node",
  SYS_TIME: "set the node's clock",
  NET_ADMIN: "reconfigure networking: interfaces, routes, iptables",
  NET_RAW: "raw sockets: spoofing and sniffing on the pod network",
  DAC_READ_SEARCH: "bypass read permission checks (open_by_handle_at escapes)",
  DAC_OVERRIDE: "bypass file permission checks",
  SETFCAP: "grant file capabilities",
  MAC_ADMIN: "change the LSM (AppArmor, SELinux) policy",
  MAC_OVERRIDE: "bypass the LSM policy",
  BPF: "load BPF programs",
  PERFMON: "kernel performance monitoring",
  SYSLOG: "read kernel logs and addresses",
};

export const containerCapabilitiesDangerous: ContainerRule = {
  id: "container-capabilities-dangerous",
  severity: "high",
  appliesTo: "container",
  title: "Dangerous capability added",
  docs: `Some Linux capabilities amount to root on the node or let a container attack its neighbours: ${Object.keys(DANGEROUS).join(", ")}. Names are matched case-insensitively, with or without the CAP_ prefix. Remove them from \`capabilities.add\`; NET_BIND_SERVICE is the usual one that is needed, and is not reported.`,
  check(ctx) {
    const caps = containerField(ctx.container, "capabilities");
    const add = (caps.value as { add?: unknown } | undefined)?.add;
    if (!Array.isArray(add)) return;
    const issues: Issue[] = [];
    add.forEach((c, i) => {
      if (typeof c !== "string") return;
      const name = c.toUpperCase().replace(/^CAP_/, "");
      const why = DANGEROUS[name];
      if (!why) return;
      issues.push({
        message: `${describeContainer(ctx.container)} adds capability ${c} (${why})`,
        path: [...caps.path!, "add", i],
        fix: `remove ${c} from capabilities.add`,
      });
    });
    return issues;
  },
};
