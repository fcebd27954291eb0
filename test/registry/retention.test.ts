/**
 * Registry retention against the real local registry (deletion enabled): images with known
 * creation times pushed to a fresh repository, then `registry retention` plans and applies.
 * Checks each keep rule, that a digest shared with a kept tag survives, that a kept index keeps
 * its children, that signatures follow their image, and that --apply deletes exactly the plan.
 * Skips when the registry environment is absent.
 */
import assert from "node:assert/strict";
import { randomBytes } from "node:crypto";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { parseAge } from "../../src/cli/verbs/registry.js";
import { RegistryClient } from "../../src/registry/client.js";
import { attachmentSubject } from "../../src/registry/retention.js";
import { namespace, pod } from "../audit/cluster-fixture.js";
import { runCli } from "../support/cli.js";
import { startKubeApiServer } from "../support/kube-api-server.js";
import { registryEnv, SKIP_NO_REGISTRY_ENV } from "../support/registry-env.js";
import { tempDir } from "./temp-dir.js";

const OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
const OCI_INDEX = "application/vnd.oci.image.index.v1+json";

/** Push a tiny image whose config says it was created at `created`; returns its digest. */
async function pushImage(
  client: RegistryClient,
  repo: string,
  tag: string,
  created: string,
): Promise<string> {
  const layer = Buffer.from(randomBytes(32));
  const layerDigest = await client.pushBlob(repo, layer);
  const config = Buffer.from(
    JSON.stringify({
      architecture: "amd64",
      os: "linux",
      created,
      rootfs: { type: "layers", diff_ids: [layerDigest] },
    }),
  );
  const configDigest = await client.pushBlob(repo, config);
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: OCI_MANIFEST,
      config: {
        mediaType: "application/vnd.oci.image.config.v1+json",
        digest: configDigest,
        size: config.length,
      },
      layers: [
        { mediaType: "application/vnd.oci.image.layer.v1.tar", digest: layerDigest, size: layer.length },
      ],
    }),
  );
  return client.putManifest(repo, tag, manifest, OCI_MANIFEST);
}

async function pushIndex(
  client: RegistryClient,
  repo: string,
  tag: string,
  children: string[],
): Promise<string> {
  const manifests = [];
  for (const d of children) {
    const m = await client.getManifest(`${repo}@${d}`);
    manifests.push({
      mediaType: m.mediaType,
      digest: d,
      size: m.bytes.length,
      platform: { os: "linux", architecture: "amd64" },
    });
  }
  const index = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests }));
  return client.putManifest(repo, tag, index, OCI_INDEX);
}

const days = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString();

describe("registry retention (real registry with deletion enabled)", {
  skip: registryEnv ? false : SKIP_NO_REGISTRY_ENV,
}, () => {
  const client = new RegistryClient();
  const repo = `${registryEnv?.plain}/portcullis-retention/${randomBytes(4).toString("hex")}`;
  const d: Record<string, string> = {};
  const dir = tempDir("portcullis-retention-");

  before(async () => {
    d.old = await pushImage(client, repo, "1.0.0", days(120));
    d.mid = await pushImage(client, repo, "1.4.0", days(60));
    d.v2 = await pushImage(client, repo, "v2.0.0", days(40));
    d.nightly = await pushImage(client, repo, "nightly-0101", days(100));
    // Same digest under a second tag: the tag `stable` (kept by semver? no) shares 1.4.0's digest.
    await client.putManifest(repo, "stable", (await client.getManifest(`${repo}:1.4.0`)).bytes, OCI_MANIFEST);
    d.child = await pushImage(client, repo, "child-only", days(200));
    d.recent = await pushImage(client, repo, "2.1.0", days(2));
    d.index = await pushIndex(client, repo, "multi", [d.child]);
    // A cosign-style signature tag for 1.0.0 and one for 2.1.0.
    const sig = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: OCI_MANIFEST,
        config: {
          mediaType: "application/vnd.oci.image.config.v1+json",
          digest: (await client.getManifest(`${repo}:1.0.0`)).json.config.digest,
          size: 0,
        },
        layers: [],
      }),
    );
    for (const k of ["old", "recent"]) {
      await client.putManifest(
        repo,
        `${d[k]?.replace(":", "-")}.sig`,
        Buffer.concat([sig, Buffer.from(" ".repeat(k.length))]),
        OCI_MANIFEST,
      );
    }
  });
  after(async () => {
    await client.close();
  });

  test("plan: keep rules, shared digests, index children and attachments, nothing deleted", async () => {
    const r = await runCli([
      "registry",
      "retention",
      repo,
      "--keep-last",
      "1",
      "--keep-semver",
      ">=2",
      "-f",
      "json",
    ]);
    assert.equal(r.code, 0, r.stderr);
    const plan = JSON.parse(r.stdout);
    const tag = (t: string) => plan.tags.find((x: { tag: string }) => x.tag === t);
    assert.equal(tag("2.1.0").decision, "keep");
    assert.deepEqual(tag("2.1.0").reasons, ["among the newest 1", "in semver range >=2"]);
    assert.equal(tag("v2.0.0").decision, "keep", "a v prefix is read as semver");
    assert.equal(tag("1.0.0").decision, "delete");
    assert.equal(tag("multi").decision, "delete");
    const m = (digest: string) => plan.manifests.find((x: { digest: string }) => x.digest === digest);
    assert.equal(m(d.old as string).decision, "delete");
    assert.equal(m(d.recent as string).decision, "keep");
    const att = plan.manifests.filter((x: { kind: string }) => x.kind === "attachment");
    assert.equal(att.find((x: { subject: string }) => x.subject === d.old).decision, "delete");
    assert.equal(att.find((x: { subject: string }) => x.subject === d.recent).decision, "keep");
    // Nothing changed on the registry.
    assert.equal((await client.listTags(repo)).length, 10);
  });

  test("a digest a kept tag shares is never deleted, and a kept index keeps its children", async () => {
    const r = await runCli(["registry", "retention", repo, "--keep-semver", "1.4.x", "-f", "json"]);
    const plan = JSON.parse(r.stdout);
    const stable = plan.tags.find((x: { tag: string }) => x.tag === "stable");
    assert.equal(stable.decision, "delete", "the tag itself matches no rule");
    const shared = plan.manifests.find((x: { digest: string }) => x.digest === d.mid);
    assert.equal(shared.decision, "keep");
    assert.match(shared.reasons.join(), /tag 1\.4\.0 is kept/);
    const keepDigests = join(dir, "running.txt");
    writeFileSync(keepDigests, `# running in prod\n${repo}@${d.index}\n`);
    const r2 = await runCli(["registry", "retention", repo, "--keep-digests", keepDigests, "-f", "json"]);
    const plan2 = JSON.parse(r2.stdout);
    const child = plan2.manifests.find((x: { digest: string }) => x.digest === d.child);
    assert.equal(child.decision, "keep");
    assert.match(child.reasons.join(), /referenced by kept index/);
  });

  test("--keep-running keeps what the cluster's pods run, and refuses to delete on a partial view", async () => {
    // Pod "legacy" in prod still runs 1.0.0 (by the digest the kubelet reports); nothing runs nightly.
    const api = await startKubeApiServer({
      objects: [
        namespace("prod"),
        namespace("batch"),
        pod("prod", "legacy-7d9f", [{ name: "app", image: `${repo}:1.0.0`, digest: d.old as string }]),
      ],
    });
    try {
      const args = [
        "registry",
        "retention",
        repo,
        "--keep-last",
        "1",
        "--keep-running",
        "--kubeconfig",
        api.kubeconfigFile,
      ];
      const r = await runCli([...args, "-f", "json"]);
      assert.equal(r.code, 0, r.stderr);
      const plan = JSON.parse(r.stdout);
      const m = (digest: string) => plan.manifests.find((x: { digest: string }) => x.digest === digest);
      assert.equal(m(d.old as string).decision, "keep");
      assert.match(m(d.old as string).reasons.join(), /digest in use/);
      assert.equal(m(d.nightly as string).decision, "delete");
      assert.match(r.stderr, /1 digest\(s\) run by 1 pod\(s\)/);
      // Pods of one namespace refused, and the cluster-wide list too: warned on a plan, fatal with --apply.
      api.forbid({ resource: "pods", namespace: "batch" });
      api.forbid({ resource: "pods" });
      const partial = await runCli([...args, "-f", "json"]);
      assert.equal(partial.code, 0, partial.stderr);
      assert.match(partial.stderr, /pods of batch not read/);
      const apply = await runCli([...args, "--apply", "-f", "json"]);
      assert.equal(apply.code, 3, apply.stderr);
      assert.match(apply.stderr, /not deleting anything/);
      assert.equal((await client.listTags(repo)).length, 10, "nothing was deleted");
      const stray = await runCli(["registry", "retention", repo, "--keep-last", "1", "--context", "x"]);
      assert.equal(stray.code, 2);
      assert.match(stray.stderr, /--context is only used with --keep-running/);
    } finally {
      await api.close();
    }
  });

  test("bad flags are usage errors before any registry work", async () => {
    const none = await runCli(["registry", "retention", repo]);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /no keep rule given/);
    const badRange = await runCli(["registry", "retention", repo, "--keep-semver", "banana"]);
    assert.equal(badRange.code, 2);
    assert.match(badRange.stderr, /"banana" is not a semver range/);
    const badAge = await runCli(["registry", "retention", repo, "--keep-younger-than", "soon"]);
    assert.equal(badAge.code, 2);
    const withTag = await runCli(["registry", "retention", `${repo}:1.0.0`, "--keep-last", "1"]);
    assert.equal(withTag.code, 2);
    assert.equal(parseAge("30d"), 30 * 86_400_000);
    assert.equal(attachmentSubject(`sha256-${"a".repeat(64)}.att`), `sha256:${"a".repeat(64)}`);
  });

  test("--apply deletes exactly what the plan marks, and the kept images still resolve", async () => {
    const r = await runCli([
      "registry",
      "retention",
      repo,
      "--keep-younger-than",
      "50d",
      "--keep-semver",
      "1.4.x",
      "--apply",
      "-f",
      "json",
    ]);
    assert.equal(r.code, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    assert.deepEqual(out.applied.failed, []);
    const tags = new Set(await client.listTags(repo));
    for (const kept of ["2.1.0", "v2.0.0", "1.4.0", "stable"]) assert.ok(tags.has(kept), `${kept} kept`);
    for (const gone of ["1.0.0", "nightly-0101", "multi", "child-only"])
      assert.ok(!tags.has(gone), `${gone} deleted`);
    assert.ok(!tags.has(`${d.old?.replace(":", "-")}.sig`), "the deleted image's signature went with it");
    assert.ok(tags.has(`${d.recent?.replace(":", "-")}.sig`), "the kept image's signature stays");
    assert.equal((await client.resolve(`${repo}:2.1.0`)).digest, d.recent);
  });
});
