/**
 * `audit --platform`: a pod whose kubelet reports the digest of a multi-platform index (the
 * registry test environment's alpine:3.18-multi, linux/amd64 and linux/arm64/v8) is scanned for
 * the platform asked; the stored SBOM records which manifest was read, a result stored for
 * another platform is not reused, a platform the index lacks is a failed scan (exit 3) naming the
 * platforms it has, and a malformed value is a usage error (exit 2).
 */
import assert from "node:assert/strict";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, test } from "node:test";
import { openResultStore } from "../../src/monitor/store.js";
import { sharedFeeds } from "../scan/support.js";
import { runCli } from "../support/cli.js";
import { type KubeApiServer, startKubeApiServer } from "../support/kube-api-server.js";
import { registryEnv, SKIP_NO_REGISTRY_ENV } from "../support/registry-env.js";
import { SKIP_NO_SHARED } from "../support/shared.js";
import { namespace, pod } from "./cluster-fixture.js";
import { buildDb, envDigest, scanPolicy } from "./scan-fixture.js";

const env = registryEnv;
const skip = !env ? SKIP_NO_REGISTRY_ENV : !sharedFeeds() ? SKIP_NO_SHARED : false;

interface AuditJson {
  audit: {
    images: { digest?: string; scan: { state: string; reason?: string }; counts?: Record<string, number> }[];
  };
}

describe("portcullis audit --platform", { skip }, () => {
  const dir = mkdtempSync(join(tmpdir(), "portcullis-audit-platform-"));
  let api: KubeApiServer;
  let db = "";
  let policyFile = "";
  let index = "";
  const results = join(dir, "results.db");
  const audit = (args: string[]) =>
    runCli(
      [
        "audit",
        "--kubeconfig",
        api.kubeconfigFile,
        "-A",
        "--policy",
        policyFile,
        "--results-db",
        results,
        "-f",
        "json",
        "--fail-on",
        "none",
        ...args,
      ],
      { env: { XDG_CACHE_HOME: join(dir, "cache") }, timeoutMs: 300_000 },
    );
  const storedPlatform = async () => {
    const store = await openResultStore(results);
    try {
      const sbom = await store.storedSbom(index);
      return sbom && `${sbom.image.digest} ${sbom.image.platform?.architecture}`;
    } finally {
      await store.close();
    }
  };

  before(async () => {
    if (!env) return;
    db = (await buildDb(dir, "vuln.db")) as string;
    index = envDigest(env, "alpine:3.18-multi");
    const image = `${env.plain}/portcullis/alpine:3.18-multi`;
    api = await startKubeApiServer({
      objects: [
        namespace("edge"),
        pod("edge", "proxy", [
          { name: "proxy", image, repository: `${env.plain}/portcullis/alpine`, digest: index },
        ]),
      ],
    });
    policyFile = join(dir, "policy.yaml");
    writeFileSync(policyFile, scanPolicy(env));
  });
  after(async () => {
    await api?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  test("the index digest is scanned for the platform asked, and a result for another is not reused", async () => {
    if (!env) return;
    const arm = envDigest(env, "alpine:3.18-arm64");
    const amd = envDigest(env, "alpine:3.18");
    let r = await audit(["--db", db, "--platform", "linux/arm64"]);
    assert.equal(r.code, 0, r.stderr);
    let images = (JSON.parse(r.stdout) as AuditJson).audit.images;
    assert.deepEqual(
      images.map((i) => [i.digest, i.scan.state, i.counts]),
      [[index, "scanned", { critical: 0, high: 0, medium: 0, low: 20 }]],
    );
    assert.equal(await storedPlatform(), `${arm} arm64`, "the arm64 manifest was read");

    // Asked for arm64 again: the stored result is for it and newer than the database.
    r = await audit(["--db", db, "--platform", "linux/aarch64", "--no-scan"]);
    assert.equal(r.code, 0, r.stderr);
    images = (JSON.parse(r.stdout) as AuditJson).audit.images;
    assert.equal(images[0]?.scan.state, "scanned");

    // amd64: the arm64 result is not reused; the amd64 manifest is read and stored instead.
    r = await audit(["--db", db, "--platform", "linux/amd64"]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(await storedPlatform(), `${amd} amd64`);

    // Stored results only, for arm64: the stored one is amd64's, so the image is not judged.
    r = await audit(["--db", db, "--platform", "linux/arm64", "--no-scan"]);
    assert.equal(r.code, 0, r.stderr);
    images = (JSON.parse(r.stdout) as AuditJson).audit.images;
    assert.deepEqual(
      images.map((i) => [i.scan.state, i.scan.reason]),
      [["not-scanned", "not scanned (--no-scan); the stored result is for linux/amd64, not linux/arm64"]],
    );
  });

  test("a platform the index does not have is a failed scan; a malformed one a usage error", async () => {
    if (!env) return;
    const r = await audit(["--db", db, "--platform", "linux/s390x"]);
    assert.equal(r.code, 3);
    const images = (JSON.parse(r.stdout) as AuditJson).audit.images;
    assert.match(
      String(images[0]?.scan.reason),
      /no manifest for platform linux\/s390x in the index \(available: linux\/amd64, linux\/arm64\/v8\)/,
    );
    assert.match(r.stderr, /1 image look-up\(s\) or scan\(s\) failed/);
    const bad = await audit(["--db", db, "--platform", "linux"]);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--platform: invalid platform "linux": expected os\/arch\[\/variant\]/);
  });
});
