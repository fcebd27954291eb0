/**
 * The policy's signature and attestation rules against the real local registry: images copied
 * into fresh repositories under portcullis-policy-sig/, signed and attested with generated keys
 * through src/sign, then judged by `portcullis check --images` (library and CLI) and by the
 * webhook's /validate over HTTPS, which must give the same verdicts and the same messages.
 * Also: verdict caches keyed by digest + key set (a moved tag is not trusted), refusals kept
 * only briefly, keys from Secrets. Skips when the registry environment is absent.
 */
import assert from "node:assert/strict";
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { after, before, describe, it } from "node:test";
import { promisify } from "node:util";
import { runCheck } from "../../src/check/run.js";
import { evaluatePolicy } from "../../src/policy/engine.js";
import { explainPolicy } from "../../src/policy/explain.js";
import { ImageInspector } from "../../src/policy/inspector.js";
import { loadKeySource } from "../../src/policy/keys.js";
import { loadPolicyFile, PolicyError, parsePolicy } from "../../src/policy/load.js";
import { RegistryClient } from "../../src/registry/client.js";
import type { Finding } from "../../src/report/finding.js";
import {
  attestImage,
  digestTag,
  generateSigningKey,
  keyFingerprint,
  publicKeyPem,
  signImage,
} from "../../src/sign/index.js";
import { copyImage } from "../sign/registry-fixture.js";
import { registryEnv, SKIP_NO_REGISTRY_ENV } from "../support/registry-env.js";
import { repoRoot } from "../support/shared.js";
import { admissionReview, responseOf, send, startTestWebhook } from "../webhook/client.js";

const env = registryEnv;
const run = promisify(execFile);
const PROVENANCE = "https://slsa.dev/provenance/v1";
const SPDX = "https://spdx.dev/Document";

async function cli(args: string[]) {
  try {
    const r = await run(process.execPath, ["--import", "tsx", join(repoRoot, "src/cli/main.ts"), ...args], {
      cwd: repoRoot,
      env: { ...process.env, NO_COLOR: "1" },
    });
    return { code: 0, stdout: r.stdout, stderr: r.stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

function policyYaml(pattern: string, rules: string): string {
  return `apiVersion: portcullis.dev/v1alpha1
kind: ImagePolicy
metadata: { name: signatures-test }
spec:
  defaultMode: enforce
  rules:
${rules.replaceAll("PATTERN", JSON.stringify(pattern))}`;
}

function podYaml(name: string, image: string): string {
  return `apiVersion: v1
kind: Pod
metadata: { name: ${name}, namespace: apps }
spec:
  containers:
    - name: app
      image: ${image}
`;
}

describe("policy signatures and attestations (real registry)", {
  skip: env ? false : SKIP_NO_REGISTRY_ENV,
}, () => {
  const client = new RegistryClient();
  const dir = mkdtempSync(join(tmpdir(), "portcullis-policy-sig-"));
  const good = generateSigningKey();
  const other = generateSigningKey();
  const base = `${env?.plain}/portcullis-policy-sig/${randomBytes(4).toString("hex")}`;
  const pattern = `${env?.plain}/portcullis-policy-sig/**`;
  const images = {
    signed: `${base}/signed:1`,
    bundle: `${base}/bundle:1`,
    unsigned: `${base}/unsigned:1`,
    moved: `${base}/moved:1`,
    forged: `${base}/forged:1`,
    attested: `${base}/attested:1`,
    late: `${base}/late:1`,
  };
  const policies: Record<string, string> = {};
  const pods: Record<string, string> = {};
  let d1 = "";
  let d2 = "";

  before(async () => {
    if (!env) return;
    const alpine = `${env.plain}/portcullis/alpine:3.18`;
    const arm = `${env.plain}/portcullis/alpine:3.18-arm64`;
    for (const img of Object.values(images)) await copyImage(client, alpine, img);
    d1 = (await client.resolve(images.signed)).digest;
    d2 = (await client.resolve(arm)).digest;
    assert.notEqual(d1, d2);
    await signImage(client, images.signed, { privateKey: good.privateKey });
    await signImage(client, images.bundle, { privateKey: good.privateKey, bundle: true });
    // Signed, then the tag moves to another image: the signature covers the old digest only.
    await signImage(client, images.moved, { privateKey: good.privateKey });
    await copyImage(client, arm, images.moved);
    // The valid signature manifest of d1 copied to d2's signature tag: a signature for another digest.
    await copyImage(client, arm, images.forged);
    await signImage(client, `${base}/forged@${d1}`, { privateKey: good.privateKey });
    const sig = await client.getManifest(`${base}/forged:${digestTag(d1, "sig")}`);
    await client.putManifest(`${base}/forged`, digestTag(d2, "sig"), sig.bytes, sig.mediaType);
    await signImage(client, images.attested, { privateKey: good.privateKey });
    await attestImage(client, images.attested, {
      privateKey: good.privateKey,
      predicateType: PROVENANCE,
      predicate: { buildDefinition: { buildType: "https://example.com/test" } },
    });

    mkdirSync(join(dir, "keys"));
    writeFileSync(join(dir, "keys", "good.pub"), publicKeyPem(good.publicKey));
    writeFileSync(join(dir, "keys", "other.pub"), publicKeyPem(other.publicKey));
    // The good key as a Kubernetes Secret, where PORTCULLIS_SECRETS_DIR / <policy folder>/secrets point.
    mkdirSync(join(dir, "secrets", "portcullis-system"), { recursive: true });
    const secret = `apiVersion: v1
kind: Secret
metadata: { name: cosign-keys, namespace: portcullis-system }
data:
  cosign.pub: ${Buffer.from(publicKeyPem(good.publicKey)).toString("base64")}
`;
    writeFileSync(join(dir, "secrets", "portcullis-system", "cosign-keys.yaml"), secret);
    const sigRule = (key: string) =>
      `    signatures:\n      keys:\n        - images: [PATTERN]\n          key: ${key}\n`;
    const files: Record<string, string> = {
      good: sigRule("{ file: keys/good.pub }"),
      other: sigRule("{ file: keys/other.pub }"),
      secret: sigRule("{ secret: { namespace: portcullis-system, name: cosign-keys } }"),
      secretFile: sigRule("{ file: secrets/portcullis-system/cosign-keys.yaml }"),
      attest: `${sigRule("{ file: keys/good.pub }")}    attestations:\n      require:\n        - images: [PATTERN]\n          predicateTypes: [${PROVENANCE}]\n`,
      attestSpdx: `    attestations:\n      require:\n        - images: [PATTERN]\n          predicateTypes: [${SPDX}, ${PROVENANCE}]\n          key: { file: keys/good.pub }\n`,
    };
    for (const [name, rules] of Object.entries(files)) {
      policies[name] = join(dir, `policy-${name}.yaml`);
      writeFileSync(policies[name], policyYaml(pattern, rules));
    }
    for (const [name, image] of Object.entries(images)) {
      pods[name] = join(dir, `pod-${name}.yaml`);
      writeFileSync(pods[name], podYaml(name, image));
    }
  });
  after(async () => {
    await client.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Every verdict the table expects: allowed, or the image-signature/attestation message. */
  const table: { policy: string; pod: string; allowed: boolean; rule?: string; message?: () => RegExp }[] = [
    { policy: "good", pod: "signed", allowed: true },
    { policy: "good", pod: "bundle", allowed: true },
    {
      policy: "other",
      pod: "signed",
      allowed: false,
      rule: "image-signature",
      message: () =>
        new RegExp(
          `no signature for digest ${d1} verifies with key keys/other\\.pub: 1 signature refused \\(tag sha256-[0-9a-f]{12}….sig layer 1: signature does not verify with keys/other\\.pub\\)`,
        ),
    },
    {
      policy: "good",
      pod: "unsigned",
      allowed: false,
      rule: "image-signature",
      message: () =>
        new RegExp(
          `no signature found for digest ${d1} \\(looked at tag sha256-[0-9a-f]{12}….sig \\(none\\), .*\\); the policy requires one by key keys/good\\.pub`,
        ),
    },
    {
      policy: "good",
      pod: "moved",
      allowed: false,
      rule: "image-signature",
      message: () => new RegExp(`no signature found for digest ${d2} `),
    },
    {
      policy: "good",
      pod: "forged",
      allowed: false,
      rule: "image-signature",
      message: () => new RegExp(`no signature for digest ${d2} verifies .*signature is for another digest`),
    },
    { policy: "secret", pod: "signed", allowed: true },
    {
      policy: "secret",
      pod: "unsigned",
      allowed: false,
      rule: "image-signature",
      message: () => /by key Secret portcullis-system\/cosign-keys \(cosign\.pub\)/,
    },
    { policy: "secretFile", pod: "signed", allowed: true },
    { policy: "attest", pod: "attested", allowed: true },
    {
      policy: "attest",
      pod: "signed",
      allowed: false,
      rule: "image-attestation",
      message: () =>
        new RegExp(
          `no attestation of type https://slsa\\.dev/provenance/v1 for digest ${d1} verifies with key keys/good\\.pub \\(no attestation found`,
        ),
    },
    {
      policy: "attestSpdx",
      pod: "attested",
      allowed: false,
      rule: "image-attestation",
      message: () =>
        /no attestation of type https:\/\/spdx\.dev\/Document .*verified attestations are of type https:\/\/slsa\.dev\/provenance\/v1/,
    },
  ];

  const checkResults = new Map<string, Finding[]>();
  const key = (t: { policy: string; pod: string }) => `${t.policy} × ${t.pod}`;

  for (const t of table) {
    it(`check --images: policy ${key(t)} → ${t.allowed ? "allowed" : "denied"}`, async () => {
      const inspector = new ImageInspector();
      try {
        const { report, lookupFailures } = await runCheck({
          policy: loadPolicyFile(policies[t.policy]),
          paths: [pods[t.pod]],
          inspector,
        });
        assert.deepEqual(report.errors, []);
        assert.deepEqual(lookupFailures, []);
        checkResults.set(key(t), report.findings);
        const high = report.findings.filter((f) => f.severity === "high");
        if (t.allowed) {
          assert.deepEqual(high, [], high.map((f) => f.message).join("\n"));
          return;
        }
        const f = high.find((x) => x.rule === t.rule);
        assert.ok(f, `a ${t.rule} finding: ${JSON.stringify(report.findings)}`);
        assert.match(f.message, /^container app uses image /);
        assert.match(f.message, t.message?.() ?? /./);
        assert.equal(f.image, images[t.pod as keyof typeof images]);
      } finally {
        await inspector.close();
      }
    });
  }

  it("the webhook's /validate over HTTPS gives the same verdicts and messages as check", async () => {
    for (const [name, file] of Object.entries(policies)) {
      const cases = table.filter((t) => t.policy === name);
      if (!cases.length) continue;
      const { server } = await startTestWebhook({ policyFile: file });
      try {
        for (const t of cases) {
          const obj = {
            apiVersion: "v1",
            kind: "Pod",
            metadata: { name: t.pod, namespace: "apps" },
            spec: { containers: [{ name: "app", image: images[t.pod as keyof typeof images] }] },
          };
          const r = await send(server, "/validate", admissionReview(obj));
          assert.equal(r.status, 200, r.text);
          const resp = responseOf(r);
          assert.equal(resp.allowed, t.allowed, `${key(t)}: ${resp.status?.message}`);
          const fromCheck = checkResults.get(key(t));
          assert.ok(fromCheck, `check ran ${key(t)} first`);
          for (const f of fromCheck.filter((x) => x.severity === "high"))
            assert.ok(
              resp.status?.message.includes(`[${f.rule}] ${f.message}`),
              `${key(t)}: webhook says ${resp.status?.message}; check says [${f.rule}] ${f.message}`,
            );
          if (!t.allowed) assert.equal(resp.status?.code, 403);
        }
      } finally {
        await server.close();
      }
    }
  });

  it("portcullis check --images (CLI): exit 0 with the right key, exit 1 and a clear message with another", async () => {
    const ok = await cli(["check", pods.signed, "--policy", policies.good, "--images", "-f", "json"]);
    assert.equal(ok.code, 0, ok.stderr + ok.stdout);
    assert.deepEqual(JSON.parse(ok.stdout).findings, []);
    const bad = await cli(["check", pods.signed, "--policy", policies.other, "--images", "-f", "json"]);
    assert.equal(bad.code, 1, bad.stderr);
    const [f] = JSON.parse(bad.stdout).findings as Finding[];
    assert.equal(f.rule, "image-signature");
    assert.match(
      f.message,
      /verifies with key keys\/other\.pub: 1 signature refused .*signature does not verify with keys\/other\.pub/,
    );
    // Without --images nothing is verified: said once per image at info level, not a failure.
    const off = await cli(["check", pods.signed, "--policy", policies.good, "-f", "json"]);
    assert.equal(off.code, 0, off.stderr);
    assert.deepEqual(JSON.parse(off.stdout).findings, []);
    assert.match(off.stderr, /note: .*: image-signature not checked \(pass --images\)/);
  });

  it("verdicts are cached by digest + key set: a moved tag is re-resolved, never trusted", async () => {
    const repo = `${base}/cache`;
    await copyImage(client, `${env?.plain}/portcullis/alpine:3.18`, `${repo}:1`);
    await signImage(client, `${repo}:1`, { privateKey: good.privateKey });
    const loaded = loadPolicyFile(policies.good);
    const inspector = new ImageInspector({ digestTtlMs: 0 });
    try {
      const first = await inspector.inspect(loaded.policy, `${repo}:1`);
      assert.equal(first.digest, d1);
      assert.equal(first.signature?.ok, true, first.signature?.message);
      const again = await inspector.inspect(loaded.policy, `${repo}:1`);
      assert.equal(again.signature?.ok, true);
      assert.equal(inspector.signatures.stats.hits, 1, "the second look-up is a cache hit");
      // The tag moves to an unsigned image: a fresh digest, a fresh verdict.
      await copyImage(client, `${env?.plain}/portcullis/alpine:3.18-arm64`, `${repo}:1`);
      const moved = await inspector.inspect(loaded.policy, `${repo}:1`);
      assert.equal(moved.digest, d2);
      assert.equal(moved.signature?.ok, false);
      assert.match(moved.signature?.message ?? "", new RegExp(`no signature found for digest ${d2}`));
      // Another key set for the same digest is its own cache entry.
      const otherPolicy = loadPolicyFile(policies.other).policy;
      const byOther = await inspector.inspect(otherPolicy, `${repo}@${d1}`);
      assert.equal(byOther.signature?.ok, false);
      assert.match(byOther.signature?.message ?? "", /keys\/other\.pub/);
      // Concurrent look-ups of one image are merged into one verification.
      const fresh = new ImageInspector();
      const [a, b] = await Promise.all([
        fresh.inspect(loaded.policy, `${repo}@${d1}`),
        fresh.inspect(loaded.policy, `${repo}@${d1}`),
      ]);
      assert.equal(a.signature?.ok, true);
      assert.equal(b.signature?.ok, true);
      assert.equal(fresh.signatures.stats.misses, 1);
      assert.equal(fresh.signatures.stats.merged, 1);
      await fresh.close();
    } finally {
      await inspector.close();
    }
  });

  it("a refusal is kept only as long as a failure: signing afterwards is seen", async () => {
    const loaded = loadPolicyFile(policies.good);
    const sticky = new ImageInspector({ failureTtlMs: 600_000 });
    const brief = new ImageInspector({ failureTtlMs: 0 });
    try {
      for (const i of [sticky, brief])
        assert.equal((await i.inspect(loaded.policy, images.late)).signature?.ok, false);
      await signImage(client, images.late, { privateKey: good.privateKey });
      // Within the failure TTL the refusal stands (and is a cache hit); after it, the new signature counts.
      assert.equal((await sticky.inspect(loaded.policy, images.late)).signature?.ok, false);
      assert.equal(sticky.signatures.stats.hits, 1);
      assert.equal((await brief.inspect(loaded.policy, images.late)).signature?.ok, true);
    } finally {
      await sticky.close();
      await brief.close();
    }
  });

  it("a Secret key that cannot be found is a clear refusal, not a pass", async () => {
    const file = join(dir, "policy-missing-secret.yaml");
    writeFileSync(
      file,
      policyYaml(
        pattern,
        "    signatures:\n      keys:\n        - images: [PATTERN]\n          key: { secret: { namespace: nowhere, name: none } }\n",
      ),
    );
    const inspector = new ImageInspector();
    try {
      const facts = await inspector.inspect(loadPolicyFile(file).policy, images.signed);
      assert.equal(facts.signature?.ok, false);
      assert.match(
        facts.signature?.message ?? "",
        /cannot read the policy's Secret nowhere\/none \(cosign\.pub\) not found .*secrets\/nowhere\/none\/cosign\.pub/,
      );
    } finally {
      await inspector.close();
    }
  });

  it("a key file that is not a key is a policy error with line and column", () => {
    const file = join(dir, "policy-bad-key.yaml");
    writeFileSync(join(dir, "keys", "not-a-key.pub"), "hello\n");
    writeFileSync(
      file,
      policyYaml(
        pattern,
        "    signatures:\n      keys:\n        - images: [PATTERN]\n          key: { file: keys/not-a-key.pub }\n",
      ),
    );
    assert.throws(
      () => loadPolicyFile(file),
      (err: unknown) =>
        err instanceof PolicyError &&
        /:10:24: spec\.rules\.signatures\.keys\[0\]\.key\.file: key file keys\/not-a-key\.pub: no PUBLIC KEY PEM block found/.test(
          err.message,
        ),
    );
  });

  it("registry unreachable: a look-up failure (exit 3 in check), never a pass", async () => {
    const inspector = new ImageInspector({ registry: { timeoutMs: 2_000, retries: 0 } });
    try {
      const file = join(dir, "policy-unreachable.yaml");
      writeFileSync(
        file,
        policyYaml(
          "127.0.0.1:1/**",
          "    signatures:\n      keys:\n        - images: [PATTERN]\n          key: { file: keys/good.pub }\n",
        ),
      );
      const loaded = loadPolicyFile(file);
      // A digest reference needs no resolution: the failure is in reading its signatures.
      const facts = await inspector.inspect(loaded.policy, `127.0.0.1:1/portcullis-policy-sig/x@${d1}`);
      assert.equal(facts.signature?.ok, false);
      assert.equal(facts.signature?.lookupError, true);
      assert.match(facts.signature?.message ?? "", /^could not verify its signature: /);
    } finally {
      await inspector.close();
    }
  });
});

describe("policy keys and attestation trust (no registry)", () => {
  const dir = mkdtempSync(join(tmpdir(), "portcullis-policy-keys-"));
  const k = generateSigningKey();
  const pem = publicKeyPem(k.publicKey);
  after(() => rmSync(dir, { recursive: true, force: true }));

  it("reads Secret keys from a mounted-volume folder, a manifest, or a configured folder", () => {
    mkdirSync(join(dir, "secrets", "ns1", "vol"), { recursive: true });
    writeFileSync(join(dir, "secrets", "ns1", "vol", "cosign.pub"), pem);
    const [vol] = loadKeySource({ secret: { namespace: "ns1", name: "vol" } }, dir);
    assert.equal(vol.name, "Secret ns1/vol (cosign.pub)");
    assert.equal(vol.fingerprint, keyFingerprint(k.publicKey));
    const elsewhere = join(dir, "mounted");
    mkdirSync(join(elsewhere, "ns2"), { recursive: true });
    writeFileSync(
      join(elsewhere, "ns2", "signer.yaml"),
      `apiVersion: v1\nkind: Secret\nmetadata: { name: signer }\nstringData:\n  release.pub: |\n${pem
        .trim()
        .split("\n")
        .map((l) => `    ${l}`)
        .join("\n")}\n`,
    );
    const [fromManifest] = loadKeySource(
      { secret: { namespace: "ns2", name: "signer", key: "release.pub" } },
      dir,
      [elsewhere],
    );
    assert.equal(fromManifest.fingerprint, keyFingerprint(k.publicKey));
    // The same folder through $PORTCULLIS_SECRETS_DIR (how the webhook's pod is told where Secrets are mounted).
    const saved = process.env.PORTCULLIS_SECRETS_DIR;
    process.env.PORTCULLIS_SECRETS_DIR = elsewhere;
    try {
      const [viaEnv] = loadKeySource(
        { secret: { namespace: "ns2", name: "signer", key: "release.pub" } },
        dir,
      );
      assert.equal(viaEnv.name, "Secret ns2/signer (release.pub)");
    } finally {
      if (saved === undefined) delete process.env.PORTCULLIS_SECRETS_DIR;
      else process.env.PORTCULLIS_SECRETS_DIR = saved;
    }
    writeFileSync(
      join(elsewhere, "ns2", "wrong.yaml"),
      `apiVersion: v1\nkind: Secret\nmetadata: { name: somebody-else }\nstringData:\n  cosign.pub: "${pem.replaceAll("\n", "\\n")}"\n`,
    );
    assert.throws(
      () => loadKeySource({ secret: { namespace: "ns2", name: "wrong" } }, dir, [elsewhere]),
      /holds no Secret named ns2\/wrong/,
    );
  });

  it("attestations with no key anywhere are refused, saying so", async () => {
    const { policy } = parsePolicy(
      `apiVersion: portcullis.dev/v1alpha1\nkind: ImagePolicy\nspec:\n  rules:\n    attestations:\n      require: [{ images: ["ghcr.io/acme/**"], predicateTypes: [${PROVENANCE}] }]\n`,
      "inline",
      dir,
    );
    const inspector = new ImageInspector({ resolveDigest: async () => `sha256:${"c".repeat(64)}` });
    const facts = await inspector.inspect(policy, "ghcr.io/acme/app:1");
    assert.equal(facts.attestations?.ok, false);
    assert.match(facts.attestations?.message ?? "", /cannot be verified: no key for them/);
    const e = evaluatePolicy(
      policy,
      {
        kind: "Pod",
        metadata: { name: "p" },
        spec: { containers: [{ name: "a", image: "ghcr.io/acme/app:1" }] },
      },
      { lookups: true, facts: new Map([["ghcr.io/acme/app:1", facts]]) },
    );
    assert.equal(e.allowed, false);
    assert.match(
      e.decisions[0].message,
      /^container a uses image ghcr\.io\/acme\/app:1: attestations of type/,
    );
  });

  it("policy explain names the keys and says verification is by digest", () => {
    writeFileSync(join(dir, "k.pub"), pem);
    const { policy } = parsePolicy(
      `apiVersion: portcullis.dev/v1alpha1\nkind: ImagePolicy\nspec:\n  rules:\n    signatures:\n      keys: [{ images: ["ghcr.io/acme/**"], key: { file: k.pub } }]\n    attestations:\n      require: [{ images: ["ghcr.io/acme/**"], predicateTypes: [${PROVENANCE}] }]\n`,
      "inline",
      dir,
    );
    const text = explainPolicy(policy);
    assert.match(text, /over the digest they resolve to, that verifies with the key in k\.pub/);
    assert.match(text, /signed by the image's signature key\(s\) from spec\.rules\.signatures/);
  });
});
