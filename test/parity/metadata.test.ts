/**
 * The metadata rules (required labels, allowed base images, required annotations) are enforced
 * alike by the webhook (validateReview), `check --images` (runCheck with an inspector) and
 * `audit` (auditInventory with one): one table, the same verdicts, rule ids and messages. Images
 * come from the in-memory registry double (memory-registry.ts) with labels, manifest annotations
 * and history; the image config is read once per digest; images outside the allow-list are never
 * contacted; without --images, `check` notes "not checked (pass --images)" and still judges the
 * annotations.
 */
import assert from "node:assert/strict";
import { before, describe, it } from "node:test";
import { auditInventory } from "../../src/audit/run.js";
import { runCheck } from "../../src/check/run.js";
import { ImageInspector } from "../../src/policy/inspector.js";
import { parsePolicy } from "../../src/policy/load.js";
import type { ImagePolicy } from "../../src/policy/types.js";
import type { ImageStore } from "../../src/sign/image-signing.js";
import { type AdmissionRequest, validateReview } from "../../src/webhook/admission.js";
import { MemoryRegistry } from "./memory-registry.js";

const SOURCE = "org.opencontainers.image.source";
const BASE = "org.opencontainers.image.base.name";
const OWNER = "acme.example/owner";

const policyText = (extra = "") => `
apiVersion: portcullis.dev/v1alpha1
kind: ImagePolicy
spec:
  rules:
    allowedRegistries: { patterns: ["ghcr.io/acme/**", "docker.io/library/*"] }
    requiredLabels:
      images: ["ghcr.io/acme/**"]
      labels: [{ key: ${SOURCE}, value: "https://github.com/acme/*" }]
    allowedBaseImages:
      images: ["ghcr.io/acme/**"]
      patterns: [debian, "gcr.io/distroless/**"]
    requiredAnnotations:
      annotations: [{ key: ${OWNER} }]
${extra}`;
const POLICY = parsePolicy(policyText()).policy;

const registry = new MemoryRegistry();
const inspector = (onCacheEvent?: (cache: string, event: string) => void) =>
  new ImageInspector({
    resolveDigest: (ref) => registry.resolveDigest(ref),
    store: registry as unknown as ImageStore,
    onCacheEvent,
  });

function pod(image: string, owner: string | null = "team-a"): Record<string, unknown> {
  return {
    apiVersion: "v1",
    kind: "Pod",
    metadata: { name: "p", namespace: "apps", ...(owner ? { annotations: { [OWNER]: owner } } : {}) },
    spec: { containers: [{ name: "app", image }] },
  };
}

type Outcome = { allowed: boolean; lines: string[] };

async function viaWebhook(policy: ImagePolicy, obj: Record<string, unknown>): Promise<Outcome> {
  const req: AdmissionRequest = {
    uid: "meta",
    kind: { group: "", version: "v1", kind: "Pod" },
    namespace: "apps",
    operation: "CREATE",
    object: obj,
  };
  const out = await validateReview(
    { policy, inspector: inspector(), namespaceLabels: new Map() },
    req,
    AbortSignal.timeout(10_000),
  );
  const lines = out.evaluation?.decisions.map((d) => `${d.rule}: ${d.message}`).sort() ?? [];
  return { allowed: out.response.allowed, lines };
}

async function viaCheck(policy: ImagePolicy, obj: Record<string, unknown>): Promise<Outcome> {
  const r = await runCheck({
    policy: { policy, source: "policy.yaml", baseDir: "." },
    paths: ["-"],
    readStdin: () => JSON.stringify(obj),
    inspector: inspector(),
  });
  assert.deepEqual(r.lookupFailures, []);
  return {
    allowed: !r.report.findings.some((f) => f.severity === "high"),
    lines: r.report.findings.map((f) => `${f.rule}: ${f.message}`).sort(),
  };
}

async function viaAudit(policy: ImagePolicy, obj: Record<string, unknown>): Promise<Outcome> {
  const r = await auditInventory(
    { objects: [obj as never], namespaceLabels: new Map(), unreadable: [], reads: 1, pages: 1 },
    { policy: { policy, source: "policy.yaml", baseDir: "." }, inspector: inspector() },
  );
  assert.deepEqual(r.lookupFailures, []);
  return {
    allowed: r.workloads.every((w) => w.allowed),
    lines: r.report.findings
      .filter((f) => !f.rule.startsWith("drift"))
      .map((f) => `${f.rule}: ${f.message}`)
      .sort(),
  };
}

describe("metadata rules: the webhook, check --images and audit agree", () => {
  before(async () => {
    const good = {
      labels: { [SOURCE]: "https://github.com/acme/app" },
      annotations: { [BASE]: "docker.io/library/debian:12" },
    };
    await registry.addImage("ghcr.io/acme/good:1", "good", good);
    await registry.addImage("ghcr.io/acme/nolabel:1", "nolabel", { labels: { [BASE]: "debian:12" } });
    await registry.addImage("ghcr.io/acme/ubuntu:1", "ubuntu", {
      labels: { [SOURCE]: "https://github.com/acme/app", [BASE]: "ubuntu:24.04" },
    });
    await registry.addImage("ghcr.io/acme/unknown:1", "unknown", {
      labels: { [SOURCE]: "https://github.com/acme/app" },
      history: ["/bin/sh -c #(nop) ADD file:abc in /", "RUN make"],
    });
    await registry.addIndex("ghcr.io/acme/multi:1", [
      { platform: "linux/amd64", ...good },
      { platform: "linux/arm64" },
    ]);
    await registry.addImage("docker.io/library/debian:12", "debian");
  });

  const img = (n: string) => `container app uses image ghcr.io/acme/${n}:1`;
  const table: { name: string; obj: Record<string, unknown>; allowed: boolean; lines: string[] }[] = [
    {
      name: "a labelled image on an allowed base is admitted",
      obj: pod("ghcr.io/acme/good:1"),
      allowed: true,
      lines: [],
    },
    {
      name: "a missing label is denied",
      obj: pod("ghcr.io/acme/nolabel:1"),
      allowed: false,
      lines: [`image-label-required: ${img("nolabel")}: label ${SOURCE} is missing from its image config`],
    },
    {
      name: "a base outside the allow-list is denied",
      obj: pod("ghcr.io/acme/ubuntu:1"),
      allowed: false,
      lines: [
        `image-base-not-allowed: ${img("ubuntu")}: it is built on "ubuntu:24.04" (config label ${BASE}), which is not an allowed base image (docker.io/library/debian, gcr.io/distroless/**)`,
      ],
    },
    {
      name: "an image naming no base is denied as unknown",
      obj: pod("ghcr.io/acme/unknown:1"),
      allowed: false,
      lines: [
        `image-base-unknown: ${img("unknown")}: base image unknown: it carries no ${BASE} annotation or label, and its history (2 entries) records layer commands, not a base image name`,
      ],
    },
    {
      name: "a multi-platform image is judged by its linux/amd64 config",
      obj: pod("ghcr.io/acme/multi:1"),
      allowed: true,
      lines: [],
    },
    {
      name: "an allowed base run as is passes the base rule, and is outside the label rule's images",
      obj: pod("debian:12"),
      allowed: true,
      lines: [],
    },
    {
      name: "a pod without the annotation is denied",
      obj: pod("ghcr.io/acme/good:1", null),
      allowed: false,
      lines: [`workload-annotation-required: the pod's metadata has no annotation ${OWNER}`],
    },
    {
      name: "an image from an unlisted registry is denied without being contacted",
      obj: pod("evil.example/acme/app:1"),
      allowed: false,
      lines: [
        "image-registry-not-allowed: container app uses image evil.example/acme/app:1 (evil.example/acme/app), which matches none of the allowed registries: ghcr.io/acme/**, docker.io/library/*",
      ],
    },
  ];
  for (const c of table) {
    it(c.name, async () => {
      const before = registry.requests.length;
      const hook = await viaWebhook(POLICY, c.obj);
      const check = await viaCheck(POLICY, c.obj);
      const audit = await viaAudit(POLICY, c.obj);
      assert.deepEqual(hook, { allowed: c.allowed, lines: c.lines.sort() }, "webhook");
      assert.deepEqual(check, hook, "check --images");
      assert.deepEqual(audit, hook, "audit");
      const contacted = registry.requests.slice(before);
      assert.ok(
        contacted.every((n) => n.startsWith("ghcr.io/acme/") || n === "docker.io/library/debian"),
        `contacted ${contacted.join(", ")}`,
      );
    });
  }

  it("spec.mutation.platform picks the platform whose config is read", async () => {
    const arm = parsePolicy(policyText("  mutation: { platform: linux/arm64 }")).policy;
    const hook = await viaWebhook(arm, pod("ghcr.io/acme/multi:1"));
    assert.deepEqual(hook, await viaCheck(arm, pod("ghcr.io/acme/multi:1")));
    assert.equal(hook.allowed, false);
    assert.deepEqual(
      hook.lines.map((l) => l.split(":")[0]),
      ["image-base-unknown", "image-label-required"],
    );
  });

  it("the image config is read once per digest, whatever the tag", async () => {
    const digest = await registry.addImage("ghcr.io/acme/same:1", "same", { labels: { [SOURCE]: "x" } });
    assert.equal(
      await registry.addImage("ghcr.io/acme/same:also", "same", { labels: { [SOURCE]: "x" } }),
      digest,
    );
    const events: string[] = [];
    const shared = inspector((cache, event) => {
      if (cache === "config") events.push(event);
    });
    for (const image of ["ghcr.io/acme/same:1", "ghcr.io/acme/same:also", "ghcr.io/acme/same:1"])
      await shared.inspect(POLICY, image);
    assert.deepEqual(events, ["miss", "hit", "hit"]);
  });

  it("check without --images notes the look-up rules and still judges the annotations", async () => {
    const r = await runCheck({
      policy: { policy: POLICY, source: "policy.yaml", baseDir: "." },
      paths: ["-"],
      readStdin: () => JSON.stringify(pod("ghcr.io/acme/good:1", null)),
    });
    assert.deepEqual(
      r.report.findings.map((f) => `${f.severity} ${f.rule}`),
      ["high workload-annotation-required"],
    );
    assert.deepEqual(r.notes, [
      "ghcr.io/acme/good:1: image-label-required, image-base-not-allowed not checked (pass --images)",
    ]);
  });

  it("a registry failure while reading the config is a failed look-up (check exits 3), not a pass", async () => {
    const broken = new ImageInspector({
      resolveDigest: async () => `sha256:${"b".repeat(64)}`,
      store: {
        getManifest: async () => {
          throw new Error("connection reset");
        },
      } as unknown as ImageStore,
    });
    const r = await runCheck({
      policy: { policy: POLICY, source: "policy.yaml", baseDir: "." },
      paths: ["-"],
      readStdin: () => JSON.stringify(pod("ghcr.io/acme/good:1")),
      inspector: broken,
    });
    assert.deepEqual(r.lookupFailures, [
      "ghcr.io/acme/good:1: could not verify its image config: connection reset",
    ]);
    assert.deepEqual(r.report.findings.map((f) => `${f.severity} ${f.rule}`).sort(), [
      "high image-base-not-allowed",
      "high image-label-required",
    ]);
  });
});
