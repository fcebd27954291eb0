/**
 * sysctls (baseline): sysctls can disable security mechanisms or affect every container on a
 * host; only a "safe" subset, namespaced and isolated from other pods, is allowed.
 *
 * Restricted fields: spec.securityContext.sysctls[*].name
 * Allowed values:
 *   v1.0+:  kernel.shm_rmid_forced, net.ipv4.ip_local_port_range, net.ipv4.tcp_syncookies,
 *           net.ipv4.ping_group_range, net.ipv4.ip_unprivileged_port_start
 *   v1.27+: net.ipv4.ip_local_reserved_ports
 *   v1.29+: net.ipv4.tcp_keepalive_time, net.ipv4.tcp_fin_timeout, net.ipv4.tcp_keepalive_intvl,
 *           net.ipv4.tcp_keepalive_probes
 *   v1.32+: net.ipv4.tcp_rmem, net.ipv4.tcp_wmem
 *   v1.37+: net.ipv4.tcp_slow_start_after_idle, net.ipv4.tcp_notsent_lowat
 */
import { ALLOWED, asArray, asObject, forbidden, podSecurityContext, str } from "../pod-model.js";
import type { CheckResult, FieldPath, PodSecurityCheck, PodUnderTest, VersionedCheck } from "../types.js";

/** Each version's additions to the safe set. */
const SAFE_SYSCTLS_ADDED: ReadonlyArray<readonly [`v1.${number}`, readonly string[]]> = [
  [
    "v1.0",
    [
      "kernel.shm_rmid_forced",
      "net.ipv4.ip_local_port_range",
      "net.ipv4.tcp_syncookies",
      "net.ipv4.ping_group_range",
      "net.ipv4.ip_unprivileged_port_start",
    ],
  ],
  ["v1.27", ["net.ipv4.ip_local_reserved_ports"]],
  [
    "v1.29",
    [
      "net.ipv4.tcp_keepalive_time",
      "net.ipv4.tcp_fin_timeout",
      "net.ipv4.tcp_keepalive_intvl",
      "net.ipv4.tcp_keepalive_probes",
    ],
  ],
  ["v1.32", ["net.ipv4.tcp_rmem", "net.ipv4.tcp_wmem"]],
  ["v1.37", ["net.ipv4.tcp_slow_start_after_idle", "net.ipv4.tcp_notsent_lowat"]],
];

function allowOnly(safe: ReadonlySet<string>) {
  return (pod: PodUnderTest): CheckResult => {
    const names: string[] = [];
    const fields: FieldPath[] = [];
    asArray(podSecurityContext(pod)?.sysctls).forEach((s, i) => {
      const name = str(asObject(s)?.name);
      if (!safe.has(name)) {
        names.push(name);
        fields.push([...pod.specPath, "securityContext", "sysctls", i, "name"]);
      }
    });
    return names.length ? forbidden("forbidden sysctls", names.join(", "), fields) : ALLOWED;
  };
}

function versions(): VersionedCheck[] {
  const safe = new Set<string>();
  return SAFE_SYSCTLS_ADDED.map(([minVersion, added]) => {
    for (const name of added) safe.add(name);
    return { minVersion, evaluate: allowOnly(new Set(safe)) };
  });
}

export const sysctls: PodSecurityCheck = {
  id: "sysctls",
  level: "baseline",
  title: "Only safe sysctls may be set",
  docs:
    "spec.securityContext.sysctls[*].name must be in the safe set of the policy version (kernel.shm_rmid_forced, " +
    "net.ipv4.ip_local_port_range, net.ipv4.tcp_syncookies, net.ipv4.ping_group_range, " +
    "net.ipv4.ip_unprivileged_port_start; more from v1.27, v1.29, v1.32 and v1.37).",
  versions: versions(),
};
