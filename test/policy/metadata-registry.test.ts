/**
 * The metadata rules against the real local registry: images pushed with config labels and
 * manifest annotations into a fresh repository under portcullis-policy-meta/, beside the
 * environment's own images (a buildkit-style app image with an image.source label and no base
 * name, a multi-platform alpine index), judged by the `portcullis check --images` CLI and by the
 * webhook's /validate over HTTPS: the same verdicts and messages. `check` without --images notes
 * what it did not check; `policy explain` says what the rules enforce. Skips when the registry
 * environment is absent.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { parseReference } from "../../src/reference/index.js";
import { RegistryClient } from "../../src/registry/client.js";
import type { Finding } from "../../src/report/finding.js";
import { copyImage } from "../sign/registry-fixture.js";
import { runCli } from "../support/cli.js";
import { registryEnv, SKIP_NO_REGISTRY_ENV } from "../support/registry-env.js";
import { admissionReview, responseOf, send, startTestWebhook } from "../webhook/client.js";

const env = registryEnv;
const SOURCE = "org.opencontainers.image.source";
const BASE = "org.opencontainers.image.base.name";
const OWNER = "acme.example/owner";

const cli = (args: string[]) => runCli(args);

/** Push a one-layer image with these config labels and manifest annotations; returns its digest. */
async function pushImage(
  client: RegistryClient,
  image: string,
  labels: Record<string, string>,
  annotations: Record<string, string> = {},
): Promise<string> {
  const ref = parseReference(image);
  const layer = Buffer.from(`layer of ${image}`);
  const layerDigest = await client.pushBlob(ref, layer);
  const config = Buffer.from(
    JSON.stringify({
      architecture: "amd64",
      os: "linux",
      config: { Labels: labels },
      rootfs: { type: "layers", diff_ids: [layerDigest] },
      history: [{ created_by: "COPY app /app # buildkit" }],
    }),
  );
  const configDigest = await client.pushBlob(ref, config);
  const manifest = {
    schemaVersion: 2,
    mediaType: "application/vnd.oci.image.manifest.v1+json",
    config: {
      mediaType: "application/vnd.oci.image.config.v1+json",
      digest: configDigest,
      size: config.length,
    },
    layers: [
      { mediaType: "application/vnd.oci.image.layer.v1.tar", digest: layerDigest, size: layer.length },
    ],
    annotations,
  };
  return client.putManifest(
    ref,
    ref.tag ?? "latest",
    Buffer.from(JSON.stringify(manifest)),
    manifest.mediaType,
  );
}

describe("policy metadata rules (real registry)", { skip: env ? false : SKIP_NO_REGISTRY_ENV }, () => {
  const client = new RegistryClient();
  const dir = mkdtempSync(join(tmpdir(), "portcullis-policy-meta-"));
  const plain = env?.plain ?? "";
  const base = `${plain}/portcullis-policy-meta/${randomBytes(4).toString("hex")}`;
  const images = {
    labelled: `${base}/labelled:1`,
    ubuntu: `${base}/ubuntu-based:1`,
    multi: `${base}/multi:1`,
    app: `${plain}/portcullis/app:1.0`,
    alpine: `${plain}/portcullis/alpine:3.18`,
  };
  const policyFile = join(dir, "policy.yaml");
  const podsFile = join(dir, "pods.yaml");

  before(async () => {
    if (!env) return;
    await pushImage(
      client,
      images.labelled,
      { [SOURCE]: "https://github.com/acme/app", [BASE]: "docker.io/library/ubuntu:24.04" },
      // The manifest annotation (where buildah writes it) wins over the label.
      { [BASE]: `${plain}/portcullis/debian:bookworm` },
    );
    await pushImage(client, images.ubuntu, {
      [SOURCE]: "https://github.com/acme/app",
      [BASE]: "ubuntu:24.04",
    });
    await copyImage(client, `${plain}/portcullis/alpine:3.18-multi`, images.multi);
    writeFileSync(
      policyFile,
      `apiVersion: portcullis.dev/v1alpha1
kind: ImagePolicy
metadata: { name: metadata-test }
spec:
  rules:
    allowedRegistries: { patterns: ["${plain}"] }
    requiredLabels:
      images: ["${plain}/portcullis-policy-meta/**"]
      labels: [{ key: ${SOURCE}, value: "https://github.com/acme/**" }]
    allowedBaseImages:
      patterns: ["${plain}/portcullis/debian", "${plain}/portcullis/alpine"]
    requiredAnnotations:
      annotations: [{ key: ${OWNER} }]
`,
    );
    writeFileSync(
      podsFile,
      Object.entries(images)
        .map(
          ([name, image]) => `apiVersion: v1
kind: Pod
metadata:
  name: ${name}
  namespace: apps
  annotations: { ${OWNER}: team-a }
spec:
  containers: [{ name: app, image: "${image}" }]
`,
        )
        .join("---\n"),
    );
  });
  after(async () => {
    await client.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const expected: Record<keyof typeof images, string[]> = {
    labelled: [],
    ubuntu: ["image-base-not-allowed"],
    multi: ["image-base-unknown", "image-label-required"],
    app: ["image-base-unknown"],
    alpine: [],
  };
  let fromCheck: Finding[] = [];

  it("check --images (CLI) reads labels, annotations and the platform's config from the registry", async () => {
    const r = await cli(["check", podsFile, "--policy", policyFile, "--images", "-f", "json"]);
    assert.equal(r.code, 1, r.stderr);
    fromCheck = JSON.parse(r.stdout).findings as Finding[];
    for (const [name, rules] of Object.entries(expected)) {
      const got = fromCheck.filter((f) => f.object?.name === name).map((f) => f.rule);
      assert.deepEqual(got.sort(), rules, `${name}: ${JSON.stringify(fromCheck)}`);
    }
    const by = (name: string, rule: string) =>
      fromCheck.find((f) => f.object?.name === name && f.rule === rule)?.message;
    assert.equal(
      by("ubuntu", "image-base-not-allowed"),
      `container app uses image ${images.ubuntu}: it is built on "ubuntu:24.04" (config label ${BASE}), which is not an allowed base image (${plain}/portcullis/debian, ${plain}/portcullis/alpine)`,
    );
    assert.equal(
      by("multi", "image-label-required"),
      `container app uses image ${images.multi}: label ${SOURCE} is missing from its image config`,
    );
    assert.match(
      by("app", "image-base-unknown") ?? "",
      /base image unknown: it carries no org\.opencontainers\.image\.base\.name annotation or label, and its history \(\d+ entries\)/,
    );
  });

  it("the webhook's /validate over HTTPS gives the same verdicts and messages", async () => {
    assert.ok(fromCheck.length, "check ran first");
    const { server } = await startTestWebhook({ policyFile });
    try {
      for (const [name, image] of Object.entries(images)) {
        const obj = {
          apiVersion: "v1",
          kind: "Pod",
          metadata: { name, namespace: "apps", annotations: { [OWNER]: "team-a" } },
          spec: { containers: [{ name: "app", image }] },
        };
        const resp = responseOf(await send(server, "/validate", admissionReview(obj)));
        const want = fromCheck.filter((f) => f.object?.name === name);
        assert.equal(resp.allowed, want.length === 0, `${name}: ${resp.status?.message}`);
        for (const f of want)
          assert.ok(
            resp.status?.message.includes(`[${f.rule}] ${f.message}`),
            `${name}: webhook says ${resp.status?.message}; check says [${f.rule}] ${f.message}`,
          );
      }
    } finally {
      await server.close();
    }
  });

  it("check without --images judges the annotations and notes the rest (pass --images)", async () => {
    const r = await cli(["check", podsFile, "--policy", policyFile, "-f", "json"]);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    assert.deepEqual(JSON.parse(r.stdout).findings, []);
    assert.match(
      r.stderr,
      new RegExp(
        `${images.ubuntu.replace(/[.]/g, "\\.")}: image-label-required, image-base-not-allowed not checked \\(pass --images\\)`,
      ),
    );
    // What the manifests say is judged without look-ups: a pod without the annotation fails.
    const bare = join(dir, "bare.yaml");
    writeFileSync(
      bare,
      `apiVersion: v1\nkind: Pod\nmetadata: { name: bare }\nspec:\n  containers: [{ name: app, image: "${images.alpine}" }]\n`,
    );
    const b = await cli(["check", bare, "--policy", policyFile, "-f", "json"]);
    assert.equal(b.code, 1, b.stderr);
    assert.deepEqual(
      (JSON.parse(b.stdout).findings as Finding[]).map((f) => `${f.rule} ${f.location?.line}`),
      ["workload-annotation-required 3"],
    );
  });

  it("a Dockerfile's FROM: an allowed base passes as is, another image is judged by the base it names", async () => {
    const dockerfile = join(dir, "Dockerfile");
    writeFileSync(
      dockerfile,
      `FROM ${plain}/portcullis/debian:bookworm AS build\nRUN true\nFROM ${images.ubuntu}\nCOPY --from=build /etc/hostname /x\n`,
    );
    const r = await cli(["check", dockerfile, "--policy", policyFile, "--images", "-f", "json"]);
    assert.equal(r.code, 1, r.stderr);
    assert.deepEqual(
      (JSON.parse(r.stdout).findings as Finding[]).map((f) => `${f.rule} ${f.location?.line}`),
      // The FROM debian stage passes as an allowed base itself; the final stage names ubuntu.
      ["image-base-not-allowed 3"],
    );
  });

  it("a buildah-built image naming its base by label (scratch) passes only where scratch is allowed", async (t) => {
    const self = `${plain}/portcullis/self:0.1.0`;
    const head = await client.headManifest(self).catch(() => undefined);
    if (!head) return t.skip("the environment has no portcullis/self image");
    const judge = async (patterns: string) => {
      const file = join(dir, `self-${patterns.length}.yaml`);
      writeFileSync(
        file,
        `apiVersion: portcullis.dev/v1alpha1\nkind: ImagePolicy\nspec:\n  rules:\n    allowedBaseImages: { patterns: [${patterns}] }\n`,
      );
      const pod = join(dir, "self-pod.yaml");
      writeFileSync(
        pod,
        `apiVersion: v1\nkind: Pod\nmetadata: { name: self }\nspec:\n  containers: [{ name: app, image: "${self}" }]\n`,
      );
      const r = await cli(["check", pod, "--policy", file, "--images", "-f", "json"]);
      return { code: r.code, findings: (JSON.parse(r.stdout).findings as Finding[]).map((f) => f.message) };
    };
    assert.deepEqual(await judge("scratch"), { code: 0, findings: [] });
    const refused = await judge("debian");
    assert.equal(refused.code, 1);
    assert.match(
      refused.findings[0],
      /it is built on "scratch" \(config label org\.opencontainers\.image\.base\.name\)/,
    );
  });

  it("policy explain says what the metadata rules enforce", async () => {
    const r = await cli(["policy", "explain", "--policy", policyFile]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stdout,
      new RegExp(`must carry the config label ${SOURCE.replace(/\./g, "\\.")} with a value matching`),
    );
    assert.match(r.stdout, /every image must be built on .*portcullis\/debian/);
    assert.match(r.stdout, /must carry the annotation acme\.example\/owner/);
  });
});
