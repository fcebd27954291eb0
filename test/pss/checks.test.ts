/**
 * Focused behaviour of the Pod Security Standards evaluator: workload kinds, field paths, version
 * boundaries the upstream fixtures do not pin down (additions that are allowed only from a version
 * on), Windows and user-namespace exemptions, restricted-over-baseline overrides, and option errors.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import {
  evaluatePodSecurity,
  NEWEST_POLICY_MINOR,
  type PodSecurityOptions,
  podSecurityChecks,
  resolvePodSecurityPolicy,
} from "../../src/pss/index.js";

type Json = Record<string, unknown>;

/** A pod spec that passes the restricted level at every version. */
function restrictedSpec(extra: Json = {}, container: Json = {}): Json {
  return {
    securityContext: { runAsNonRoot: true, seccompProfile: { type: "RuntimeDefault" } },
    containers: [
      {
        name: "app",
        image: "registry.example/app:1.0",
        securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ["ALL"] } },
        ...container,
      },
    ],
    ...extra,
  };
}

const pod = (spec: Json, metadata: Json = { name: "p" }): Json => ({
  apiVersion: "v1",
  kind: "Pod",
  metadata,
  spec,
});

function checks(obj: unknown, options: PodSecurityOptions): string[] {
  return evaluatePodSecurity(obj, options).violations.map((v) => v.check);
}

describe("workload kinds", () => {
  const badSpec = restrictedSpec({ hostPID: true }, { securityContext: { privileged: true } });
  const wrappers: [string, Json, (string | number)[]][] = [
    ["Pod", pod(badSpec), ["spec"]],
    [
      "Deployment",
      { apiVersion: "apps/v1", kind: "Deployment", spec: { template: { metadata: {}, spec: badSpec } } },
      ["spec", "template", "spec"],
    ],
    [
      "StatefulSet",
      { kind: "StatefulSet", spec: { template: { spec: badSpec } } },
      ["spec", "template", "spec"],
    ],
    ["DaemonSet", { kind: "DaemonSet", spec: { template: { spec: badSpec } } }, ["spec", "template", "spec"]],
    [
      "ReplicaSet",
      { kind: "ReplicaSet", spec: { template: { spec: badSpec } } },
      ["spec", "template", "spec"],
    ],
    ["Job", { kind: "Job", spec: { template: { spec: badSpec } } }, ["spec", "template", "spec"]],
    [
      "ReplicationController",
      { kind: "ReplicationController", spec: { template: { spec: badSpec } } },
      ["spec", "template", "spec"],
    ],
    [
      "CronJob",
      {
        apiVersion: "batch/v1",
        kind: "CronJob",
        spec: { jobTemplate: { spec: { template: { spec: badSpec } } } },
      },
      ["spec", "jobTemplate", "spec", "template", "spec"],
    ],
    ["PodTemplate", { kind: "PodTemplate", template: { spec: badSpec } }, ["template", "spec"]],
    [
      "Rollout (unknown kind with spec.template.spec)",
      { apiVersion: "argoproj.io/v1alpha1", kind: "Rollout", spec: { template: { spec: badSpec } } },
      ["spec", "template", "spec"],
    ],
  ];

  for (const [name, obj, specPath] of wrappers) {
    it(`${name}: same violations as the bare pod, with paths from the object root`, () => {
      const r = evaluatePodSecurity(obj, { level: "restricted" });
      assert.equal(r.allowed, false);
      assert.deepEqual(
        r.violations.map((v) => [v.check, v.fields]),
        [
          ["hostNamespaces", [[...specPath, "hostPID"]]],
          ["privileged", [[...specPath, "containers", 0, "securityContext", "privileged"]]],
          // the container's securityContext was replaced: no drop ALL, no allowPrivilegeEscalation
          ["allowPrivilegeEscalation", [[...specPath, "containers", 0, "securityContext"]]],
          ["capabilities_restricted", [[...specPath, "containers", 0, "securityContext"]]],
        ],
      );
    });
  }

  it("objects without a pod template are allowed (as PSA ignores them)", () => {
    assert.deepEqual(evaluatePodSecurity({ kind: "ConfigMap", data: {} }, { level: "restricted" }), {
      allowed: true,
      violations: [],
    });
    assert.equal(evaluatePodSecurity("not an object", { level: "restricted" }).allowed, true);
  });

  it("annotations are read from the pod template's metadata", () => {
    const deployment = {
      kind: "Deployment",
      metadata: { annotations: { "container.apparmor.security.beta.kubernetes.io/app": "unconfined" } },
      spec: {
        template: {
          metadata: { annotations: { "container.apparmor.security.beta.kubernetes.io/app": "unconfined" } },
          spec: restrictedSpec(),
        },
      },
    };
    const r = evaluatePodSecurity(deployment, { level: "baseline" });
    assert.deepEqual(r.violations, [
      {
        check: "appArmorProfile",
        message:
          'forbidden AppArmor profile (annotation must not set AppArmor profile type to "container.apparmor.security.beta.kubernetes.io/app=\\"unconfined\\"")',
        fields: [
          [
            "spec",
            "template",
            "metadata",
            "annotations",
            "container.apparmor.security.beta.kubernetes.io/app",
          ],
        ],
      },
    ]);
  });
});

describe("messages and fields", () => {
  it("privileged reads like PSA", () => {
    const r = evaluatePodSecurity(pod(restrictedSpec({}, { securityContext: { privileged: true } })), {
      level: "baseline",
    });
    assert.deepEqual(r.violations, [
      {
        check: "privileged",
        message: 'privileged (container "app" must not set securityContext.privileged=true)',
        fields: [["spec", "containers", 0, "securityContext", "privileged"]],
      },
    ]);
  });

  it("init, regular and ephemeral containers are all visited, in PSA's order", () => {
    const spec = restrictedSpec({
      initContainers: [{ name: "init", securityContext: { privileged: true } }],
      ephemeralContainers: [{ name: "debug", securityContext: { privileged: true } }],
    });
    (spec.containers as Json[])[0]!.securityContext = { privileged: true };
    const v = evaluatePodSecurity(pod(spec), { level: "baseline" }).violations[0]!;
    assert.equal(
      v.message,
      'privileged (containers "init", "app", "debug" must not set securityContext.privileged=true)',
    );
    assert.deepEqual(v.fields, [
      ["spec", "initContainers", 0, "securityContext", "privileged"],
      ["spec", "containers", 0, "securityContext", "privileged"],
      ["spec", "ephemeralContainers", 0, "securityContext", "privileged"],
    ]);
  });

  it("a missing required field is reported at its closest existing parent", () => {
    const spec = restrictedSpec({ securityContext: {} }, { securityContext: { capabilities: {} } });
    const r = evaluatePodSecurity(pod(spec), { level: "restricted" });
    const byCheck = Object.fromEntries(r.violations.map((v) => [v.check, v.fields]));
    assert.deepEqual(byCheck, {
      allowPrivilegeEscalation: [["spec", "containers", 0, "securityContext"]],
      capabilities_restricted: [["spec", "containers", 0, "securityContext", "capabilities"]],
      runAsNonRoot: [["spec", "containers", 0, "securityContext"]],
      seccompProfile_restricted: [["spec", "containers", 0, "securityContext"]],
    });
    const bare = evaluatePodSecurity(pod({ containers: [{ name: "c" }] }), { level: "restricted" });
    for (const v of bare.violations) assert.deepEqual(v.fields, [["spec", "containers", 0]], v.check);
  });

  it("hostPorts, sysctls, volumes and capabilities point at the list items", () => {
    const spec = restrictedSpec(
      {
        securityContext: {
          runAsNonRoot: true,
          seccompProfile: { type: "RuntimeDefault" },
          sysctls: [
            { name: "kernel.shm_rmid_forced", value: "1" },
            { name: "kernel.msgmax", value: "1" },
          ],
        },
        volumes: [
          { name: "cfg", configMap: { name: "c" } },
          { name: "data", nfs: { server: "x", path: "/" } },
        ],
      },
      {
        ports: [{ containerPort: 80 }, { containerPort: 443, hostPort: 443 }],
        securityContext: {
          allowPrivilegeEscalation: false,
          capabilities: { drop: ["ALL"], add: ["NET_BIND_SERVICE", "SYS_ADMIN"] },
        },
      },
    );
    const r = evaluatePodSecurity(pod(spec), { level: "restricted" });
    assert.deepEqual(
      r.violations.map((v) => [v.check, v.message, v.fields]),
      [
        [
          "hostPorts",
          'hostPort (container "app" uses hostPort 443)',
          [["spec", "containers", 0, "ports", 1, "hostPort"]],
        ],
        ["sysctls", "forbidden sysctls (kernel.msgmax)", [["spec", "securityContext", "sysctls", 1, "name"]]],
        [
          "capabilities_restricted",
          'unrestricted capabilities (container "app" must not include "SYS_ADMIN" in securityContext.capabilities.add)',
          [["spec", "containers", 0, "securityContext", "capabilities", "add", 1]],
        ],
        [
          "restrictedVolumes",
          'restricted volume types (volume "data" uses restricted volume type "nfs")',
          [["spec", "volumes", 1, "nfs"]],
        ],
      ],
    );
  });

  it("a volume naming no source is allowed (defaulted to emptyDir by the API server)", () => {
    assert.deepEqual(
      checks(pod(restrictedSpec({ volumes: [{ name: "scratch" }] })), { level: "restricted" }),
      [],
    );
  });
});

describe("versions", () => {
  const withSysctl = (name: string) =>
    pod(
      restrictedSpec({
        securityContext: {
          runAsNonRoot: true,
          seccompProfile: { type: "RuntimeDefault" },
          sysctls: [{ name, value: "1" }],
        },
      }),
    );
  const boundaries: [string, string, string][] = [
    ["net.ipv4.ip_local_reserved_ports", "v1.26", "v1.27"],
    ["net.ipv4.tcp_keepalive_time", "v1.28", "v1.29"],
    ["net.ipv4.tcp_fin_timeout", "v1.28", "v1.29"],
    ["net.ipv4.tcp_rmem", "v1.31", "v1.32"],
    ["net.ipv4.tcp_notsent_lowat", "v1.36", "v1.37"],
  ];
  for (const [name, before, from] of boundaries) {
    it(`sysctl ${name} is safe from ${from}, not at ${before}`, () => {
      assert.deepEqual(checks(withSysctl(name), { level: "baseline", version: before }), ["sysctls"]);
      assert.deepEqual(checks(withSysctl(name), { level: "baseline", version: from }), []);
      assert.deepEqual(checks(withSysctl(name), { level: "baseline" }), []);
    });
  }

  it("SELinux type container_engine_t is allowed from v1.31", () => {
    const p = pod(
      restrictedSpec({
        securityContext: {
          runAsNonRoot: true,
          seccompProfile: { type: "RuntimeDefault" },
          seLinuxOptions: { type: "container_engine_t" },
        },
      }),
    );
    assert.deepEqual(checks(p, { level: "baseline", version: "v1.30" }), ["seLinuxOptions"]);
    assert.deepEqual(checks(p, { level: "baseline", version: "v1.31" }), []);
  });

  it("probe and lifecycle hosts are forbidden from v1.34", () => {
    const p = pod(
      restrictedSpec(
        {},
        {
          livenessProbe: { httpGet: { host: "10.0.0.1", port: 80 } },
          lifecycle: { preStop: { tcpSocket: { host: "evil", port: 1 } } },
        },
      ),
    );
    assert.deepEqual(checks(p, { level: "baseline", version: "v1.33" }), []);
    const r = evaluatePodSecurity(p, { level: "baseline", version: "v1.34" });
    assert.deepEqual(r.violations, [
      {
        check: "hostProbesAndHostLifecycle",
        message: 'probe or lifecycle host (container "app" uses probe or lifecycle hosts "10.0.0.1", "evil")',
        fields: [
          ["spec", "containers", 0, "livenessProbe", "httpGet", "host"],
          ["spec", "containers", 0, "lifecycle", "preStop", "tcpSocket", "host"],
        ],
      },
    ]);
  });

  it("seccomp: annotations before v1.19, the field from v1.19", () => {
    const p = pod(
      restrictedSpec({ securityContext: { runAsNonRoot: true, seccompProfile: { type: "Unconfined" } } }),
      { name: "p", annotations: { "seccomp.security.alpha.kubernetes.io/pod": "unconfined" } },
    );
    const old = evaluatePodSecurity(p, { level: "baseline", version: "v1.18" });
    assert.deepEqual(
      old.violations.map((v) => [v.check, v.fields]),
      [
        [
          "seccompProfile_baseline",
          [["metadata", "annotations", "seccomp.security.alpha.kubernetes.io/pod"]],
        ],
      ],
    );
    const current = evaluatePodSecurity(p, { level: "baseline", version: "v1.19" });
    assert.deepEqual(
      current.violations.map((v) => [v.check, v.fields]),
      [["seccompProfile_baseline", [["spec", "securityContext", "seccompProfile", "type"]]]],
    );
  });

  it("restricted checks start at their version: allowPrivilegeEscalation v1.8, runAsUser v1.23, capabilities v1.22", () => {
    const p = pod({
      securityContext: { runAsNonRoot: true, runAsUser: 0, seccompProfile: { type: "RuntimeDefault" } },
      containers: [{ name: "app" }],
    });
    assert.deepEqual(checks(p, { level: "restricted", version: "v1.7" }), []);
    assert.deepEqual(checks(p, { level: "restricted", version: "v1.8" }), ["allowPrivilegeEscalation"]);
    assert.deepEqual(checks(p, { level: "restricted", version: "v1.22" }), [
      "allowPrivilegeEscalation",
      "capabilities_restricted",
    ]);
    assert.deepEqual(checks(p, { level: "restricted", version: "v1.23" }), [
      "allowPrivilegeEscalation",
      "capabilities_restricted",
      "runAsUser",
    ]);
  });

  it("a version newer than any known evaluates as latest; malformed input throws", () => {
    assert.equal(resolvePodSecurityPolicy("restricted", "v1.99").version, `v1.${NEWEST_POLICY_MINOR}`);
    assert.equal(resolvePodSecurityPolicy("restricted", "latest").version, `v1.${NEWEST_POLICY_MINOR}`);
    assert.equal(resolvePodSecurityPolicy("baseline").version, `v1.${NEWEST_POLICY_MINOR}`);
    assert.throws(
      () => evaluatePodSecurity(pod(restrictedSpec()), { level: "restricted", version: "1.25" }),
      RangeError,
    );
    assert.throws(
      () => evaluatePodSecurity(pod(restrictedSpec()), { level: "restricted", version: "v2.0" }),
      RangeError,
    );
    assert.throws(
      () => evaluatePodSecurity(pod(restrictedSpec()), { level: "strict" } as unknown as PodSecurityOptions),
      TypeError,
    );
    assert.deepEqual(evaluatePodSecurity(pod({ hostPID: true }), { level: "privileged" }), {
      allowed: true,
      violations: [],
    });
  });
});

describe("exemptions and overrides", () => {
  it("Windows pods are exempt from the Linux-only restricted checks from v1.25", () => {
    const p = pod({
      os: { name: "windows" },
      securityContext: { runAsNonRoot: true },
      containers: [{ name: "win" }],
    });
    assert.deepEqual(checks(p, { level: "restricted", version: "v1.24" }), [
      "allowPrivilegeEscalation",
      "capabilities_restricted",
      "seccompProfile_restricted",
    ]);
    assert.deepEqual(checks(p, { level: "restricted", version: "v1.25" }), []);
    // not exempt from baseline rules: hostProcess stays forbidden
    const hostProcess = pod({
      os: { name: "windows" },
      securityContext: { runAsNonRoot: true, windowsOptions: { hostProcess: true } },
      containers: [{ name: "win" }],
    });
    assert.deepEqual(checks(hostProcess, { level: "restricted" }), ["windowsHostProcess"]);
  });

  it("user-namespace pods (hostUsers: false): runAsNonRoot, runAsUser and baseline procMount relaxed from v1.35", () => {
    const p = pod(
      restrictedSpec(
        { hostUsers: false, securityContext: { runAsUser: 0, seccompProfile: { type: "RuntimeDefault" } } },
        {
          securityContext: {
            allowPrivilegeEscalation: false,
            capabilities: { drop: ["ALL"] },
            procMount: "Unmasked",
          },
        },
      ),
    );
    assert.deepEqual(checks(p, { level: "baseline", version: "v1.34" }), ["procMount"]);
    assert.deepEqual(checks(p, { level: "baseline", version: "v1.35" }), []);
    assert.deepEqual(checks(p, { level: "restricted", version: "v1.34" }), [
      "procMount",
      "runAsNonRoot",
      "runAsUser",
    ]);
    assert.deepEqual(checks(p, { level: "restricted", version: "v1.35" }), ["procMount_restricted"]);
  });

  it("restricted replaces baseline checks as PSA does (overrides)", () => {
    const latest = resolvePodSecurityPolicy("restricted");
    assert.deepEqual(Object.fromEntries(latest.overridden), {
      capabilities_baseline: "capabilities_restricted",
      hostPathVolumes: "restrictedVolumes",
      procMount: "procMount_restricted",
      seccompProfile_baseline: "seccompProfile_restricted",
    });
    const ids = latest.checks.map((c) => c.check.id);
    assert.ok(!ids.includes("capabilities_baseline") && ids.includes("capabilities_restricted"));
    // before v1.19 restricted has no seccomp check of its own: the baseline annotation check applies
    const v118 = resolvePodSecurityPolicy("restricted", "v1.18").checks.map((c) => c.check.id);
    assert.ok(v118.includes("seccompProfile_baseline") && !v118.includes("seccompProfile_restricted"));

    const hostPath = pod(restrictedSpec({ volumes: [{ name: "h", hostPath: { path: "/" } }] }));
    assert.deepEqual(checks(hostPath, { level: "baseline" }), ["hostPathVolumes"]);
    assert.deepEqual(checks(hostPath, { level: "restricted" }), ["restrictedVolumes"]);
  });

  it("every check id of the contract is registered, with its level", () => {
    const levels = Object.fromEntries(podSecurityChecks.map((c) => [c.id, c.level]));
    assert.deepEqual(levels, {
      allowPrivilegeEscalation: "restricted",
      appArmorProfile: "baseline",
      capabilities_baseline: "baseline",
      capabilities_restricted: "restricted",
      hostNamespaces: "baseline",
      hostPathVolumes: "baseline",
      hostPorts: "baseline",
      hostProbesAndHostLifecycle: "baseline",
      privileged: "baseline",
      procMount: "baseline",
      procMount_restricted: "restricted",
      restrictedVolumes: "restricted",
      runAsNonRoot: "restricted",
      runAsUser: "restricted",
      seLinuxOptions: "baseline",
      seccompProfile_baseline: "baseline",
      seccompProfile_restricted: "restricted",
      sysctls: "baseline",
      windowsHostProcess: "baseline",
    });
  });
});
