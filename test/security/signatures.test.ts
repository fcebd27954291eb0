/**
 * Adversarial tests of signature and attestation verification (issue 6) against the real local
 * registry: an attacker who can push to the image's repository (but holds no trusted key) writes
 * `.sig` / `.att` manifests and payloads of their choosing; a trusted signer's genuine signatures
 * are reused in the wrong places. Every test is an attack and asserts what must hold. Images are
 * copied into fresh repositories under portcullis-sec/. Skips without the registry environment.
 */
import assert from "node:assert/strict";
import { createHash, generateKeyPairSync, randomBytes } from "node:crypto";
import { after, describe, it } from "node:test";
import { parseReference } from "../../src/reference/index.js";
import { RegistryClient } from "../../src/registry/client.js";
import { signEnvelope } from "../../src/sign/dsse.js";
import { verifyImage, verifyImageAttestations } from "../../src/sign/image-verification.js";
import { buildStatement, IN_TOTO_PAYLOAD_TYPE } from "../../src/sign/in-toto.js";
import { generateSigningKey } from "../../src/sign/key-format.js";
import {
  appendTagLayer,
  DSSE_MEDIA_TYPE,
  digestTag,
  OCI_CONFIG_MEDIA_TYPE,
  OCI_MANIFEST_MEDIA_TYPE,
} from "../../src/sign/registry-layout.js";
import { signBytes } from "../../src/sign/signature-algorithm.js";
import { buildKeyBundle, verifyBundle } from "../../src/sign/sigstore-bundle.js";
import { buildSimpleSigningPayload, SIMPLE_SIGNING_MEDIA_TYPE } from "../../src/sign/simple-signing.js";
import { SIGNATURE_ANNOTATION, type TrustPolicy } from "../../src/sign/verify-policy.js";
import { copyImage } from "../sign/registry-fixture.js";
import { registryEnv, SKIP_NO_REGISTRY_ENV } from "../support/registry-env.js";

const env = registryEnv;
const signer = generateSigningKey();
const policy: TrustPolicy = { keys: [{ name: "trusted.pub", key: signer.publicKey }] };

describe("signature verification under attack (real registry)", {
  skip: env ? false : SKIP_NO_REGISTRY_ENV,
}, () => {
  const client = new RegistryClient();
  after(async () => {
    await client.close();
  });

  /** A fresh repository with its own copy of the image (so each attack has its own `.sig`). */
  async function freshImage(): Promise<{ repo: string; image: string; digest: string }> {
    const r = `${env?.plain}/portcullis-sec/${randomBytes(4).toString("hex")}/app`;
    const d = await copyImage(client, `${env?.plain}/portcullis/alpine:3.18`, `${r}:1.0`);
    return { repo: r, image: `${r}:1.0`, digest: d };
  }

  /** Push one `.sig` layer: these bytes, signed by the trusted key unless a signature is given. */
  async function pushSig(
    target: { repo: string; digest: string },
    payload: Buffer,
    sig?: string,
    mediaType = SIMPLE_SIGNING_MEDIA_TYPE,
  ): Promise<void> {
    await appendTagLayer(client, parseReference(target.repo), target.digest, "sig", {
      mediaType,
      payload,
      annotations: {
        [SIGNATURE_ANNOTATION]: sig ?? signBytes(signer.privateKey, payload).toString("base64"),
      },
    });
  }

  async function verdicts(img: string) {
    const [r] = await verifyImage(client, img, { policy });
    return r;
  }

  it("control: a genuine signature verifies", async () => {
    const t = await freshImage();
    await pushSig(t, buildSimpleSigningPayload({ dockerReference: t.repo, manifestDigest: t.digest }));
    const r = await verdicts(t.image);
    assert.equal(r.verified, true, JSON.stringify(r.verdicts));
  });

  it("the payload's digest is compared exactly: other case, prefix or whitespace is another digest", async () => {
    const t = await freshImage();
    const hex = t.digest.slice("sha256:".length);
    for (const spelled of [
      `SHA256:${hex}`,
      `sha256:${hex.toUpperCase()}`,
      ` ${t.digest}`,
      `${t.digest}\n`,
      hex,
    ])
      await pushSig(
        t,
        Buffer.from(
          JSON.stringify({
            critical: {
              identity: { "docker-reference": t.repo },
              image: { "docker-manifest-digest": spelled },
              type: "cosign container image signature",
            },
            optional: null,
          }),
        ),
      );
    const r = await verdicts(t.image);
    assert.equal(r.verified, false);
    assert.equal(r.verdicts.length, 5);
    for (const v of r.verdicts) assert.match(v.reason, /signature is for another digest/);
  });

  it("duplicate keys: the last one wins, as in Go's encoding/json (no verifier disagreement)", async () => {
    const t = await freshImage();
    const other = `sha256:${"e".repeat(64)}`;
    const text = (first: string, last: string, ref = t.repo) =>
      `{"critical":{"identity":{"docker-reference":"${ref}"},"image":{"docker-manifest-digest":"${first}","docker-manifest-digest":"${last}"},"type":"cosign container image signature"},"optional":null}`;
    await pushSig(t, Buffer.from(text(t.digest, other)));
    let r = await verdicts(t.image);
    assert.equal(r.verified, false, "the last key names another digest: refused");
    const t2 = await freshImage();
    await pushSig(t2, Buffer.from(text(other, t2.digest, t2.repo)));
    r = await verdicts(t2.image);
    assert.equal(r.verified, true, "the last key names this digest, as cosign reads it too");
  });

  it("keys that differ only in case (Go matches them case-insensitively) make the payload ambiguous: refused", async () => {
    // Go's encoding/json would read "Critical" (the later key) and sign off another digest; JSON.parse reads "critical".
    const t = await freshImage();
    const other = `sha256:${"e".repeat(64)}`;
    const variants = [
      `{"critical":{"identity":{"docker-reference":"${t.repo}"},"image":{"docker-manifest-digest":"${t.digest}"},"type":"cosign container image signature"},"Critical":{"image":{"docker-manifest-digest":"${other}"}},"optional":null}`,
      `{"critical":{"identity":{"docker-reference":"${t.repo}"},"image":{"docker-manifest-digest":"${t.digest}","Docker-Manifest-Digest":"${other}"},"type":"cosign container image signature"},"optional":null}`,
      // U+017F (long s) folds to 's' in Go's case-insensitive key matching.
      `{"critical":{"identity":{"docker-reference":"${t.repo}"},"image":{"docker-manifest-digest":"${t.digest}","docker-manife\u017ft-digest":"${other}"},"type":"cosign container image signature"},"optional":null}`,
    ];
    for (const v of variants) await pushSig(t, Buffer.from(v));
    const r = await verdicts(t.image);
    assert.equal(r.verified, false, JSON.stringify(r.verdicts.map((v) => v.reason)));
    for (const v of r.verdicts) assert.match(v.reason, /ambiguous|more than once/);
  });

  it("critical.type must be the cosign signature type", async () => {
    const t = await freshImage();
    for (const type of [
      "",
      "cosign container image signature ",
      "atomic container signature",
      "COSIGN CONTAINER IMAGE SIGNATURE",
    ])
      await pushSig(
        t,
        Buffer.from(
          JSON.stringify({
            critical: {
              identity: { "docker-reference": t.repo },
              image: { "docker-manifest-digest": t.digest },
              type,
            },
            optional: null,
          }),
        ),
      );
    const r = await verdicts(t.image);
    assert.equal(r.verified, false);
    for (const v of r.verdicts) assert.match(v.reason, /payload type is/);
  });

  it("a signature naming another repository on the same registry (prefix, sibling, parent) is refused", async () => {
    const t = await freshImage();
    const host = parseReference(t.repo).domain;
    for (const ref of [
      `${t.repo}-evil`,
      `${t.repo}/sub`,
      t.repo.replace(/\/app$/, ""),
      `${host}/portcullis/alpine`,
    ])
      await pushSig(t, buildSimpleSigningPayload({ dockerReference: ref, manifestDigest: t.digest }));
    const r = await verdicts(t.image);
    assert.equal(r.verified, false);
    assert.equal(r.verdicts.length, 4);
    for (const v of r.verdicts) assert.match(v.reason, /payload names repository/);
  });

  it("a genuine signature of another image copied next to this one is refused (other digest)", async () => {
    const victim = await freshImage();
    // The signer signed the debian image; the attacker copies that signature to alpine's .sig tag.
    const deb = `${victim.repo}:deb`;
    const debDigest = await copyImage(client, `${env?.plain}/portcullis/app:1.0`, deb);
    assert.notEqual(debDigest, victim.digest);
    await pushSig(
      victim,
      buildSimpleSigningPayload({ dockerReference: victim.repo, manifestDigest: debDigest }),
    );
    const r = await verdicts(victim.image);
    assert.equal(r.verified, false);
    assert.match(r.verdicts[0].reason, /another digest/);
  });

  it("bad base64 in the signature annotation (padding, URL alphabet, spaces) is refused", async () => {
    const t = await freshImage();
    const p = buildSimpleSigningPayload({ dockerReference: t.repo, manifestDigest: t.digest });
    const good = signBytes(signer.privateKey, p).toString("base64");
    const bad = [
      good.replace(/=+$/, ""),
      `${good}==`,
      good.replace(/\+/g, "-").replace(/\//g, "_"),
      ` ${good}`,
      `${good.slice(0, 10)} ${good.slice(10)}`,
    ].filter((s) => s !== good);
    for (const s of bad) await pushSig(t, p, s);
    const r = await verdicts(t.image);
    assert.equal(r.verified, false);
    for (const v of r.verdicts) assert.match(v.reason, /not valid base64|does not verify/);
  });

  it("a DER signature with trailing bytes is refused", async () => {
    const t = await freshImage();
    const p = buildSimpleSigningPayload({ dockerReference: t.repo, manifestDigest: t.digest });
    const der = signBytes(signer.privateKey, p);
    await pushSig(t, p, Buffer.concat([der, Buffer.from([0])]).toString("base64"));
    const r = await verdicts(t.image);
    assert.equal(r.verified, false);
    assert.match(r.verdicts[0].reason, /does not verify/);
  });

  it("algorithm confusion: a signature is checked only with the trusted key's own algorithm", async () => {
    const t = await freshImage();
    const p = buildSimpleSigningPayload({ dockerReference: t.repo, manifestDigest: t.digest });
    const rsa = generateKeyPairSync("rsa", { modulusLength: 2048 });
    const ed = generateKeyPairSync("ed25519");
    // Signed by keys the policy does not trust: refused whatever their algorithm.
    await pushSig(t, p, signBytes(rsa.privateKey, p).toString("base64"));
    await pushSig(t, p, signBytes(ed.privateKey, p).toString("base64"));
    let r = await verdicts(t.image);
    assert.equal(r.verified, false);
    // Trusted RSA and Ed25519 keys accept their own signatures and not the ECDSA one.
    const [r2] = await verifyImage(client, t.image, {
      policy: {
        keys: [
          { name: "rsa.pub", key: rsa.publicKey },
          { name: "ed.pub", key: ed.publicKey },
        ],
      },
    });
    assert.deepEqual(
      r2.verdicts
        .filter((v) => v.verified)
        .map((v) => v.signer)
        .sort(),
      ["ed.pub", "rsa.pub"],
    );
    await pushSig(t, p); // ECDSA by the trusted signer
    const [r3] = await verifyImage(client, t.image, {
      policy: { keys: [{ name: "ed.pub", key: ed.publicKey }] },
    });
    assert.equal(r3.verdicts.filter((v) => v.verified).length, 1, "only the Ed25519 signature");
    r = await verdicts(t.image);
    assert.equal(r.verdicts.filter((v) => v.verified).length, 1, "only the ECDSA signature");
  });

  it("a `.sig` manifest with thousands of layers is bounded, not fetched layer by layer", async () => {
    const t = await freshImage();
    const target = parseReference(t.repo);
    const p = Buffer.from("{}");
    const blob = await client.pushBlob(target, p);
    const layer = {
      mediaType: SIMPLE_SIGNING_MEDIA_TYPE,
      size: p.length,
      digest: blob,
      annotations: { [SIGNATURE_ANNOTATION]: "AAAA" },
    };
    const config = Buffer.from("{}");
    const configDigest = await client.pushBlob(target, config);
    const manifest = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: OCI_MANIFEST_MEDIA_TYPE,
        config: { mediaType: OCI_CONFIG_MEDIA_TYPE, size: config.length, digest: configDigest },
        layers: Array.from({ length: 5000 }, () => layer),
      }),
    );
    await client.putManifest(target, digestTag(t.digest, "sig"), manifest, OCI_MANIFEST_MEDIA_TYPE);
    const r = await verdicts(t.image);
    assert.equal(r.verified, false);
    assert.ok(r.verdicts.length <= 1001, `${r.verdicts.length} layers were fetched and checked`);
    assert.ok(r.verdicts.some((v) => /too many layers/.test(v.reason)));
  });

  it("a huge payload blob is not read into memory", async () => {
    const t = await freshImage();
    const big = Buffer.alloc(6 * 1024 * 1024, 0x20);
    await pushSig(t, big, "AAAA");
    const r = await verdicts(t.image);
    assert.equal(r.verified, false);
    assert.match(r.verdicts[0].reason, /larger than/);
  });

  it("a payload blob declared small but actually large is cut off while reading", async () => {
    const t = await freshImage();
    const target = parseReference(t.repo);
    const big = Buffer.alloc(6 * 1024 * 1024, 0x20);
    const blob = await client.pushBlob(target, big);
    const config = Buffer.from("{}");
    const configDigest = await client.pushBlob(target, config);
    const manifest = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: OCI_MANIFEST_MEDIA_TYPE,
        config: { mediaType: OCI_CONFIG_MEDIA_TYPE, size: config.length, digest: configDigest },
        layers: [{ mediaType: SIMPLE_SIGNING_MEDIA_TYPE, size: 100, digest: blob, annotations: {} }],
      }),
    );
    await client.putManifest(target, digestTag(t.digest, "sig"), manifest, OCI_MANIFEST_MEDIA_TYPE);
    const r = await verdicts(t.image);
    assert.equal(r.verified, false);
    assert.match(r.verdicts[0].reason, /larger than/);
  });
});

describe("attestations and bundles under attack", { skip: env ? false : SKIP_NO_REGISTRY_ENV }, () => {
  const client = new RegistryClient();
  after(async () => {
    await client.close();
  });
  const digest = `sha256:${"a".repeat(64)}`;
  const subject = { reference: "registry.example.com/team/app:1.0", digest };

  function statement(d = digest, predicateType = "https://slsa.dev/provenance/v1") {
    return Buffer.from(
      JSON.stringify(
        buildStatement({
          subjectName: "registry.example.com/team/app",
          digest: d,
          predicateType,
          predicate: {},
        }),
      ),
    );
  }

  it("a DSSE envelope must say it carries an in-toto statement (payloadType)", () => {
    for (const payloadType of ["text/plain", "application/vnd.example+json", ""]) {
      const env = signEnvelope(payloadType, statement(), signer.privateKey);
      const bundle = Buffer.from(JSON.stringify(buildKeyBundle(env, signer.publicKey)));
      const v = verifyBundle("test", bundle, subject, policy, {});
      assert.equal(v.verified, false, `payloadType ${JSON.stringify(payloadType)} accepted`);
      assert.match(v.reason, /payload type/i);
    }
    const ok = signEnvelope(IN_TOTO_PAYLOAD_TYPE, statement(), signer.privateKey);
    const v = verifyBundle(
      "test",
      Buffer.from(JSON.stringify(buildKeyBundle(ok, signer.publicKey))),
      subject,
      policy,
      {},
    );
    assert.equal(v.verified, true, v.reason);
  });

  it("a bundle whose statement names another digest is refused", () => {
    const env = signEnvelope(IN_TOTO_PAYLOAD_TYPE, statement(`sha256:${"b".repeat(64)}`), signer.privateKey);
    const v = verifyBundle(
      "test",
      Buffer.from(JSON.stringify(buildKeyBundle(env, signer.publicKey))),
      subject,
      policy,
      {},
    );
    assert.equal(v.verified, false);
    assert.match(v.reason, /another digest/);
  });

  it("a statement with ambiguous keys (case variants Go would read) is refused", () => {
    const text = `{"_type":"https://in-toto.io/Statement/v1","subject":[{"name":"registry.example.com/team/app","digest":{"sha256":"${"a".repeat(64)}"}}],"Subject":[{"digest":{"sha256":"${"b".repeat(64)}"}}],"predicateType":"https://slsa.dev/provenance/v1","predicate":{}}`;
    const env = signEnvelope(IN_TOTO_PAYLOAD_TYPE, Buffer.from(text), signer.privateKey);
    const v = verifyBundle(
      "test",
      Buffer.from(JSON.stringify(buildKeyBundle(env, signer.publicKey))),
      subject,
      policy,
      {},
    );
    assert.equal(v.verified, false);
    assert.match(v.reason, /ambiguous/);
  });

  it("an attestation for another digest stored under this image's `.att` tag is refused", async () => {
    if (!env) return;
    const repo = `${env.plain}/portcullis-sec/${randomBytes(4).toString("hex")}/att`;
    const d = await copyImage(client, `${env.plain}/portcullis/alpine:3.18`, `${repo}:1.0`);
    const other = `sha256:${createHash("sha256").update("other").digest("hex")}`;
    const envl = signEnvelope(IN_TOTO_PAYLOAD_TYPE, statement(other), signer.privateKey);
    await appendTagLayer(client, parseReference(repo), d, "att", {
      mediaType: DSSE_MEDIA_TYPE,
      payload: Buffer.from(JSON.stringify(envl)),
      annotations: {},
    });
    const [r] = await verifyImageAttestations(client, `${repo}:1.0`, { policy });
    assert.equal(r.verified, false);
    assert.match(r.verdicts[0].reason, /another digest/);
  });
});
