/**
 * Every manifest rule: snippets that must fire and snippets that must not. Each case starts
 * from a pod that is clean under every rule and changes one thing.
 */
import assert from "node:assert/strict";
import { describe, it } from "node:test";
import { defaultProjectConfig, type ProjectConfig } from "../../../src/config/project-config.js";
import { parseManifests } from "../../../src/k8s/load.js";
import { type LintK8sOptions, lintManifests } from "../../../src/lint/k8s/engine.js";
import { podSecurityHook } from "../../../src/lint/k8s/pod-security.js";
import { K8S_RULES } from "../../../src/lint/k8s/rule-registry.js";
import type { Finding } from "../../../src/report/finding.js";

const DIGEST = "sha256:3a7bd3e2360a3d29eea436fcfb7e44c735d117c42d1c1835420b6b9942dd4f1b";

// biome-ignore lint/suspicious/noExplicitAny: test objects are mutated freely
type Obj = Record<string, any>;

function cleanPod(): Obj {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "p", namespace: "ns" },
    spec: {
      automountServiceAccountToken: false,
      securityContext: { runAsNonRoot: true, runAsUser: 10001, seccompProfile: { type: "RuntimeDefault" } },
      containers: [
        {
          name: "app",
          image: `ghcr.io/acme/app:1.0@${DIGEST}`,
          securityContext: {
            allowPrivilegeEscalation: false,
            readOnlyRootFilesystem: true,
            capabilities: { drop: ["ALL"] },
          },
          resources: { requests: { cpu: "100m", memory: "64Mi" }, limits: { cpu: "200m", memory: "64Mi" } },
        },
      ],
    },
  };
}

function lintObjects(objects: Obj[], opts: LintK8sOptions = {}): Finding[] {
  const text = objects.map((o) => JSON.stringify(o, null, 2)).join("\n---\n");
  const r = lintManifests(parseManifests([{ file: "t.yaml", text }]), opts);
  assert.deepEqual(r.errors, []);
  return r.findings;
}

/** Lint the clean pod after `change`; return the findings. */
function lintPod(change: (pod: Obj) => void, opts: LintK8sOptions = {}, extra: Obj[] = []): Finding[] {
  const pod = cleanPod();
  change(pod);
  return lintObjects([pod, ...extra], opts);
}

const ids = (fs: Finding[]) => fs.map((f) => f.rule).sort();
const app = (pod: Obj) => pod.spec.containers[0];
const config = (c: Partial<ProjectConfig>): ProjectConfig => ({ ...defaultProjectConfig(), ...c });

function fires(rule: string, change: (pod: Obj) => void, opts?: LintK8sOptions, extra?: Obj[]): Finding[] {
  const fs = lintPod(change, opts, extra);
  const hits = fs.filter((f) => f.rule === rule);
  assert.ok(hits.length > 0, `${rule} should fire; got ${JSON.stringify(ids(fs))}`);
  return hits;
}
function silent(rule: string, change: (pod: Obj) => void, opts?: LintK8sOptions, extra?: Obj[]): void {
  const fs = lintPod(change, opts, extra);
  assert.deepEqual(
    fs.filter((f) => f.rule === rule).map((f) => f.message),
    [],
    `${rule} should not fire`,
  );
}

describe("the clean pod", () => {
  it("triggers no rule at all", () => {
    assert.deepEqual(
      lintPod(() => {}),
      [],
    );
  });
  it("every rule has an id, a severity, a title and docs", () => {
    const seen = new Set<string>();
    for (const r of K8S_RULES) {
      assert.match(r.id, /^[a-z0-9]+(-[a-z0-9]+)*$/);
      assert.ok(!seen.has(r.id));
      seen.add(r.id);
      assert.ok(r.title.length > 0 && r.docs.length > 40, r.id);
    }
  });
});

describe("image rules", () => {
  it("image-tag-latest", () => {
    const [f] = fires("image-tag-latest", (p) => (app(p).image = "nginx:latest"));
    assert.equal(f.severity, "high");
    assert.equal(f.image, "nginx:latest");
    assert.equal(f.message, "container app uses image nginx:latest; pin a version tag or digest");
    silent("image-tag-latest", (p) => (app(p).image = `nginx:latest@${DIGEST}`));
    silent("image-tag-latest", (p) => (app(p).image = "nginx:1.27.3"));
  });
  it("image-tag-latest fires on an untagged image, which means latest (as the policy's forbidLatest)", () => {
    const [f] = fires("image-tag-latest", (p) => (app(p).image = "nginx"));
    assert.equal(
      f.message,
      "container app uses image nginx without a tag or digest, which means latest; pin a version tag or digest",
    );
    fires("image-tag-latest", (p) => (app(p).image = "registry.example.com:5000/team/app"));
    silent("image-tag-latest", (p) => (app(p).image = `nginx@${DIGEST}`));
    silent("image-tag-latest", (p) => (app(p).image = "nginx:1"));
  });
  it("image-no-digest follows requireDigest", () => {
    const [f] = fires("image-no-digest", (p) => (app(p).image = "nginx:1.25"));
    assert.equal(f.severity, "medium");
    const [g] = fires("image-no-digest", (p) => (app(p).image = "nginx:1.25"), {
      config: config({ requireDigest: "error" }),
    });
    assert.equal(g.severity, "high");
    silent("image-no-digest", (p) => (app(p).image = "nginx:1.25"), {
      config: config({ requireDigest: "off" }),
    });
    silent("image-no-digest", (p) => (app(p).image = `nginx:1.25@${DIGEST}`));
  });
  it("image-pull-policy-never", () => {
    fires("image-pull-policy-never", (p) => (app(p).imagePullPolicy = "Never"));
    silent("image-pull-policy-never", (p) => (app(p).imagePullPolicy = "IfNotPresent"));
  });
  it("image-pull-policy-mutable-tag: effective default, explicit value, and never on a digest", () => {
    const [byDefault] = fires("image-pull-policy-mutable-tag", (p) => (app(p).image = "nginx:1.25"));
    assert.match(byDefault.message, /the API server's default for a version tag/);
    const [explicit] = fires("image-pull-policy-mutable-tag", (p) => {
      app(p).image = "nginx:latest";
      app(p).imagePullPolicy = "IfNotPresent";
    });
    assert.doesNotMatch(explicit.message, /default/);
    // IfNotPresent is right for a digest-pinned image, whatever the tag.
    silent("image-pull-policy-mutable-tag", (p) => (app(p).imagePullPolicy = "IfNotPresent"));
    silent("image-pull-policy-mutable-tag", (p) => {
      app(p).image = `nginx:latest@${DIGEST}`;
      app(p).imagePullPolicy = "IfNotPresent";
    });
    // :latest and no tag default to Always; an explicit Always is fine.
    silent("image-pull-policy-mutable-tag", (p) => (app(p).image = "nginx:latest"));
    silent("image-pull-policy-mutable-tag", (p) => (app(p).image = "nginx"));
    silent("image-pull-policy-mutable-tag", (p) => {
      app(p).image = "nginx:1.25";
      app(p).imagePullPolicy = "Always";
    });
  });
  it("image-reference-invalid names the reason", () => {
    const [f] = fires("image-reference-invalid", (p) => (app(p).image = "nginx:1.25@sha256:abc"));
    assert.match(f.message, /invalid image reference "nginx:1\.25@sha256:abc": /);
    const [u] = fires("image-reference-invalid", (p) => (app(p).image = "Acme/app:1"));
    assert.match(u.message, /must be lowercase/);
    const [missing] = fires("image-reference-invalid", (p) => delete app(p).image);
    assert.equal(missing.message, "container app has no image");
    silent("image-reference-invalid", () => {});
  });
  it("image-reference-invalid points at the offending character of a plain scalar", () => {
    const text =
      "kind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: app\n    image: nginx:1.25@sha256:zz\n";
    const r = lintManifests(parseManifests([{ file: "x.yaml", text }]));
    const f = r.findings.find((x) => x.rule === "image-reference-invalid");
    assert.equal(f?.location?.line, 6);
    assert.ok(f!.location!.column > 12, `column ${f!.location!.column} should be inside the value`);
  });
  it("image-registry-not-allowed matches the normalised name", () => {
    const lib = { allowedRegistries: ["docker.io/library/*"] };
    silent("image-registry-not-allowed", (p) => (app(p).image = "nginx:1.25"), lib);
    silent("image-registry-not-allowed", (p) => (app(p).image = "docker.io/nginx:1.25"), lib);
    silent("image-registry-not-allowed", (p) => (app(p).image = "index.docker.io/library/nginx:1"), lib);
    const [f] = fires("image-registry-not-allowed", (p) => (app(p).image = "bitnami/redis:7"), lib);
    assert.match(f.message, /docker\.io\/bitnami\/redis/);
    const acme = { allowedRegistries: ["ghcr.io/acme/**"] };
    silent("image-registry-not-allowed", (p) => (app(p).image = "ghcr.io/acme/team/app:1"), acme);
    fires("image-registry-not-allowed", (p) => (app(p).image = "ghcr.io/other/app:1"), acme);
    fires("image-registry-not-allowed", (p) => (app(p).image = "ghcr.io/acme-evil/app:1"), acme);
    const hosts = { allowedRegistries: ["*.corp.example"] };
    silent("image-registry-not-allowed", (p) => (app(p).image = "registry.corp.example/x/y:1"), hosts);
    fires("image-registry-not-allowed", (p) => (app(p).image = "corp.example.evil.io/x:1"), hosts);
    // From the config file too; no list means every registry is allowed.
    fires("image-registry-not-allowed", () => {}, { config: config({ allowedRegistries: ["docker.io"] }) });
    silent("image-registry-not-allowed", () => {});
  });
  it("image-pull-secret-missing: pod secrets, ServiceAccount in the input, or not", () => {
    const priv = { privateRegistries: ["ghcr.io"] };
    const [f] = fires("image-pull-secret-missing", () => {}, priv);
    assert.match(f.message, /ServiceAccount default is not in the input/);
    silent("image-pull-secret-missing", (p) => (p.spec.imagePullSecrets = [{ name: "ghcr" }]), priv);
    const sa = (secrets: string[]) => ({
      apiVersion: "v1",
      kind: "ServiceAccount",
      metadata: { name: "builder", namespace: "ns" },
      imagePullSecrets: secrets.map((name) => ({ name })),
    });
    silent("image-pull-secret-missing", (p) => (p.spec.serviceAccountName = "builder"), priv, [sa(["ghcr"])]);
    const [g] = fires("image-pull-secret-missing", (p) => (p.spec.serviceAccountName = "builder"), priv, [
      sa([]),
    ]);
    assert.match(g.message, /its ServiceAccount builder has none either/);
    silent("image-pull-secret-missing", () => {}, { privateRegistries: ["registry.corp.example"] });
  });
});

describe("resource rules", () => {
  it("cpu and memory requests: missing, or defaulted from the limit", () => {
    fires(
      "container-cpu-request-missing",
      (p) => delete app(p).resources.requests.cpu && delete app(p).resources.limits.cpu,
    );
    silent("container-cpu-request-missing", (p) => delete app(p).resources.requests.cpu);
    fires("container-memory-request-missing", (p) => delete app(p).resources);
    silent("container-memory-request-missing", (p) => delete app(p).resources.requests.memory);
  });
  it("limits", () => {
    const [m] = fires("container-memory-limit-missing", (p) => delete app(p).resources.limits.memory);
    assert.equal(m.severity, "medium");
    const [c] = fires("container-cpu-limit-missing", (p) => delete app(p).resources.limits.cpu);
    assert.equal(c.severity, "low");
    silent("container-memory-limit-missing", () => {});
  });
  it("init containers are checked, ephemeral containers are not (they cannot have resources)", () => {
    const init = fires("container-memory-limit-missing", (p) => {
      p.spec.initContainers = [{ ...structuredClone(app(p)), name: "init", resources: {} }];
    });
    assert.equal(init[0].container, "init");
    assert.equal(init[0].message, "init container init has no memory limit");
    silent("container-memory-limit-missing", (p) => {
      p.spec.ephemeralContainers = [{ ...structuredClone(app(p)), name: "dbg", resources: undefined }];
    });
  });
  it("container-request-exceeds-limit compares exactly across suffixes", () => {
    const set = (req: string, lim: string) => (p: Obj) => {
      app(p).resources.requests.memory = req;
      app(p).resources.limits.memory = lim;
    };
    fires("container-request-exceeds-limit", set("1Gi", "1000Mi"));
    fires("container-request-exceeds-limit", set("1001m", "1"));
    silent("container-request-exceeds-limit", set("1G", "1Gi"));
    silent("container-request-exceeds-limit", set("512Mi", "0.5Gi"));
    silent("container-request-exceeds-limit", set("1e3", "1k"));
  });
  it("container-resource-quantity-invalid", () => {
    for (const bad of ["1 Gi", "512MB", "-1", "0.5cores", "", "1..5"]) {
      const [f] = fires("container-resource-quantity-invalid", (p) => (app(p).resources.limits.memory = bad));
      assert.match(f.message, /resources\.limits\.memory ".*" is not a Kubernetes quantity: /);
    }
    silent("container-resource-quantity-invalid", (p) => (app(p).resources.limits.memory = "1.5Gi"));
    silent("container-resource-quantity-invalid", (p) => (app(p).resources.limits.cpu = 2));
  });
});

describe("securityContext rules (container overrides pod)", () => {
  it("container-run-as-non-root", () => {
    fires("container-run-as-non-root", (p) => {
      delete p.spec.securityContext.runAsNonRoot;
      delete p.spec.securityContext.runAsUser;
    });
    // the container's false overrides the pod's true
    const [f] = fires("container-run-as-non-root", (p) => {
      delete p.spec.securityContext.runAsUser;
      app(p).securityContext.runAsNonRoot = false;
    });
    assert.match(f.message, /sets runAsNonRoot: false/);
    // the container's true overrides the pod's false
    silent("container-run-as-non-root", (p) => {
      delete p.spec.securityContext.runAsUser;
      p.spec.securityContext.runAsNonRoot = false;
      app(p).securityContext.runAsNonRoot = true;
    });
    // a non-zero uid is enough
    silent("container-run-as-non-root", (p) => delete p.spec.securityContext.runAsNonRoot);
    // not for Windows pods
    silent("container-run-as-non-root", (p) => {
      p.spec.securityContext = {};
      p.spec.os = { name: "windows" };
    });
  });
  it("container-run-as-root", () => {
    const [f] = fires("container-run-as-root", (p) => (p.spec.securityContext.runAsUser = 0));
    assert.match(f.message, /inherited from the pod/);
    silent("container-run-as-root", (p) => {
      p.spec.securityContext.runAsUser = 0;
      app(p).securityContext.runAsUser = 1000;
    });
    fires("container-run-as-root", (p) => (app(p).securityContext.runAsUser = 0));
  });
  it("container-root-filesystem-writable", () => {
    fires(
      "container-root-filesystem-writable",
      (p) => (app(p).securityContext.readOnlyRootFilesystem = false),
    );
    fires("container-root-filesystem-writable", (p) => delete app(p).securityContext);
    silent("container-root-filesystem-writable", () => {});
  });
  it("container-privilege-escalation-allowed", () => {
    fires(
      "container-privilege-escalation-allowed",
      (p) => delete app(p).securityContext.allowPrivilegeEscalation,
    );
    fires(
      "container-privilege-escalation-allowed",
      (p) => (app(p).securityContext.allowPrivilegeEscalation = true),
    );
    silent("container-privilege-escalation-allowed", () => {});
  });
  it("container-capabilities-not-dropped", () => {
    fires(
      "container-capabilities-not-dropped",
      (p) => (app(p).securityContext.capabilities.drop = ["NET_RAW"]),
    );
    fires("container-capabilities-not-dropped", (p) => delete app(p).securityContext.capabilities);
    silent("container-capabilities-not-dropped", (p) => (app(p).securityContext.capabilities.drop = ["all"]));
  });
  it("container-capabilities-dangerous", () => {
    const [f] = fires(
      "container-capabilities-dangerous",
      (p) => (app(p).securityContext.capabilities.add = ["CAP_SYS_ADMIN"]),
    );
    assert.match(f.message, /adds capability CAP_SYS_ADMIN/);
    assert.equal(
      fires(
        "container-capabilities-dangerous",
        (p) => (app(p).securityContext.capabilities.add = ["NET_ADMIN", "sys_ptrace"]),
      ).length,
      2,
    );
    silent(
      "container-capabilities-dangerous",
      (p) => (app(p).securityContext.capabilities.add = ["NET_BIND_SERVICE"]),
    );
  });
  it("container-privileged", () => {
    const [f] = fires("container-privileged", (p) => (app(p).securityContext.privileged = true));
    assert.equal(f.severity, "critical");
    silent("container-privileged", (p) => (app(p).securityContext.privileged = false));
  });
  it("container-seccomp-profile-missing", () => {
    fires("container-seccomp-profile-missing", (p) => delete p.spec.securityContext.seccompProfile);
    const [f] = fires(
      "container-seccomp-profile-missing",
      (p) => (app(p).securityContext.seccompProfile = { type: "Unconfined" }),
    );
    assert.match(f.message, /Unconfined/);
    silent("container-seccomp-profile-missing", (p) => {
      delete p.spec.securityContext.seccompProfile;
      app(p).securityContext.seccompProfile = { type: "Localhost", localhostProfile: "profiles/app.json" };
    });
  });
  it("pod-host-namespaces", () => {
    assert.equal(
      fires("pod-host-namespaces", (p) =>
        Object.assign(p.spec, { hostNetwork: true, hostPID: true, hostIPC: true }),
      ).length,
      3,
    );
    silent("pod-host-namespaces", (p) => (p.spec.hostNetwork = false));
  });
  it("pod-host-path-volume", () => {
    const [f] = fires(
      "pod-host-path-volume",
      (p) => (p.spec.volumes = [{ name: "sock", hostPath: { path: "/var/run/docker.sock" } }]),
    );
    assert.equal(f.message, "volume sock mounts host path /var/run/docker.sock");
    silent("pod-host-path-volume", (p) => (p.spec.volumes = [{ name: "tmp", emptyDir: {} }]));
  });
  it("pod-service-account-token-automount: pod overrides ServiceAccount", () => {
    fires("pod-service-account-token-automount", (p) => delete p.spec.automountServiceAccountToken);
    const sa = {
      apiVersion: "v1",
      kind: "ServiceAccount",
      metadata: { name: "default", namespace: "ns" },
      automountServiceAccountToken: false,
    };
    silent("pod-service-account-token-automount", (p) => delete p.spec.automountServiceAccountToken, {}, [
      sa,
    ]);
    fires("pod-service-account-token-automount", (p) => (p.spec.automountServiceAccountToken = true), {}, [
      sa,
    ]);
  });
});

describe("workload model", () => {
  const deployment = (pod: Obj): Obj => ({
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: "d" },
    spec: { template: { metadata: { labels: { a: "b" } }, spec: pod.spec } },
  });
  it("checks every built-in kind's pod template and CRDs with spec.template.spec", () => {
    const pod = cleanPod();
    app(pod).imagePullPolicy = "Never";
    const wrap = (kind: string): Obj => {
      const d = deployment(pod);
      d.kind = kind;
      return d;
    };
    for (const kind of [
      "Deployment",
      "ReplicaSet",
      "StatefulSet",
      "DaemonSet",
      "Job",
      "ReplicationController",
      "Rollout",
      "CloneSet",
    ]) {
      assert.deepEqual(ids(lintObjects([wrap(kind)])), ["image-pull-policy-never"], kind);
    }
    const cron = {
      apiVersion: "batch/v1",
      kind: "CronJob",
      metadata: { name: "c" },
      spec: { schedule: "* * * * *", jobTemplate: { spec: deployment(pod).spec } },
    };
    const [f] = lintObjects([cron]);
    assert.equal(f.rule, "image-pull-policy-never");
    const tmpl = {
      apiVersion: "v1",
      kind: "PodTemplate",
      metadata: { name: "t" },
      template: { spec: pod.spec },
    };
    assert.deepEqual(ids(lintObjects([tmpl])), ["image-pull-policy-never"]);
  });
  it("skips objects that are not workloads", () => {
    const cm = {
      apiVersion: "v1",
      kind: "ConfigMap",
      metadata: { name: "c" },
      data: { image: "nginx:latest" },
    };
    const svc = {
      apiVersion: "v1",
      kind: "Service",
      metadata: { name: "s" },
      spec: { template: { spec: {} } },
    };
    assert.deepEqual(lintObjects([cm, svc]), []);
  });
});

describe("suppression and config", () => {
  it("annotation on the object or the pod template, with reason; * suppresses everything", () => {
    const [f] = lintPod((p) => {
      app(p).image = "nginx:latest";
      p.metadata.annotations = {
        "portcullis.dev/ignore": "image-tag-latest",
        "portcullis.dev/ignore-reason": "dev only",
      };
    }).filter((x) => x.rule === "image-tag-latest");
    assert.deepEqual(f.suppressed, { reason: "dev only" });
    const all = lintPod((p) => {
      app(p).image = "nginx:latest";
      p.spec.hostPID = true;
      p.metadata.annotations = { "portcullis.dev/ignore": "*" };
    });
    assert.ok(
      all.length >= 2 && all.every((x) => x.suppressed?.reason === "portcullis.dev/ignore annotation"),
    );
  });
  it("config: ignore drops a rule, rules: sets severity or off", () => {
    const change = (p: Obj) => (app(p).image = "nginx:latest");
    assert.ok(
      !ids(lintPod(change, { config: config({ ignore: ["image-tag-latest"] }) })).includes(
        "image-tag-latest",
      ),
    );
    assert.ok(
      !ids(lintPod(change, { config: config({ rules: { "image-tag-latest": "off" } }) })).includes(
        "image-tag-latest",
      ),
    );
    const [f] = fires("image-tag-latest", change, {
      config: config({ rules: { "image-tag-latest": "low" } }),
    });
    assert.equal(f.severity, "low");
  });
});

describe("Pod Security Standards (--pss)", () => {
  it("violations become pss-<level>:<check> findings located at the offending field", () => {
    const text = [
      "apiVersion: apps/v1",
      "kind: Deployment",
      "metadata: {name: agent}",
      "spec:",
      "  template:",
      "    spec:",
      "      containers:",
      "      - name: agent",
      "        image: ghcr.io/acme/agent:1",
      "        securityContext:",
      "          privileged: true",
      "",
    ].join("\n");
    const set = parseManifests([{ file: "a.yaml", text }]);
    const r = lintManifests(set, { podSecurity: podSecurityHook("baseline") });
    const pss = r.findings.filter((f) => f.rule.startsWith("pss-"));
    assert.deepEqual(
      pss.map((f) => `${f.location?.line}:${f.location?.column} ${f.rule} ${f.container}`),
      ["11:23 pss-baseline:privileged agent"],
    );
    assert.ok(r.rules.some((m) => m.id === "pss-baseline:privileged"));
    const restricted = lintManifests(set, { podSecurity: podSecurityHook("restricted:v1.25") });
    const checks = restricted.findings
      .filter((f) => f.rule.startsWith("pss-"))
      .map((f) => f.rule)
      .sort();
    assert.deepEqual(checks, [
      "pss-restricted:allowPrivilegeEscalation",
      "pss-restricted:capabilities_restricted",
      "pss-restricted:privileged",
      "pss-restricted:runAsNonRoot",
      "pss-restricted:seccompProfile_restricted",
    ]);
  });
});
