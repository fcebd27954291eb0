/**
 * Forged and misdirected signatures, each refused with a reason naming what is wrong: a tampered
 * payload, a wrong key, a signature for another digest, a payload naming another repository,
 * bad base64, a layer whose blob does not match its digest; the same for DSSE attestations; and
 * the DSSE pre-authentication encoding itself.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { describe, it } from "node:test";
import { pae, signEnvelope } from "../../src/sign/dsse.js";
import { buildStatement, IN_TOTO_PAYLOAD_TYPE } from "../../src/sign/in-toto.js";
import { generateSigningKey } from "../../src/sign/key-format.js";
import { signBytes } from "../../src/sign/signature-algorithm.js";
import { buildSimpleSigningPayload, SIMPLE_SIGNING_MEDIA_TYPE } from "../../src/sign/simple-signing.js";
import {
  SIGNATURE_ANNOTATION,
  type SignatureLayer,
  verifyEnvelopeFor,
  verifySignatureLayer,
} from "../../src/sign/verify-policy.js";

const signer = generateSigningKey();
const stranger = generateSigningKey();
const digest = `sha256:${"a".repeat(64)}`;
const otherDigest = `sha256:${"b".repeat(64)}`;
const image = { reference: "registry.example.com/team/app:1.0", digest };
const policy = { keys: [{ name: "cosign.pub", key: signer.publicKey }] };

function layer(
  opts: { payload?: Buffer; signWith?: typeof signer; ref?: string; dig?: string } = {},
): SignatureLayer {
  const payload =
    opts.payload ??
    buildSimpleSigningPayload({
      dockerReference: opts.ref ?? "registry.example.com/team/app",
      manifestDigest: opts.dig ?? digest,
    });
  return {
    source: "test",
    mediaType: SIMPLE_SIGNING_MEDIA_TYPE,
    payload,
    declaredDigest: `sha256:${createHash("sha256").update(payload).digest("hex")}`,
    annotations: {
      [SIGNATURE_ANNOTATION]: signBytes((opts.signWith ?? signer).privateKey, payload).toString("base64"),
    },
  };
}

describe("signature layer security", () => {
  it("accepts the genuine signature (control)", () => {
    const v = verifySignatureLayer(layer(), image, policy);
    assert.equal(v.verified, true, v.reason);
    assert.equal(v.signer, "cosign.pub");
  });

  it("rejects a tampered payload", () => {
    const l = layer();
    const tampered = Buffer.from(Buffer.from(l.payload).toString().replace("team/app", "team/apq"));
    const v = verifySignatureLayer(
      {
        ...l,
        payload: tampered,
        declaredDigest: `sha256:${createHash("sha256").update(tampered).digest("hex")}`,
      },
      image,
      policy,
    );
    assert.equal(v.verified, false);
    assert.match(v.reason, /signature does not verify with cosign\.pub/);
  });

  it("rejects a signature by a key that is not trusted", () => {
    const v = verifySignatureLayer(layer({ signWith: stranger }), image, policy);
    assert.equal(v.verified, false);
    assert.match(v.reason, /does not verify with cosign\.pub/);
  });

  it("rejects a signature for another digest", () => {
    const v = verifySignatureLayer(layer({ dig: otherDigest }), image, policy);
    assert.equal(v.verified, false);
    assert.match(v.reason, /signature is for another digest: payload names sha256:b+, image is sha256:a+/);
  });

  it("rejects a payload naming another repository", () => {
    const v = verifySignatureLayer(layer({ ref: "registry.example.com/evil/app" }), image, policy);
    assert.equal(v.verified, false);
    assert.match(
      v.reason,
      /payload names repository registry\.example\.com\/evil\/app, not the image's repository/,
    );
  });

  it("rejects a signature annotation that is not base64", () => {
    const l = layer();
    const v = verifySignatureLayer(
      { ...l, annotations: { [SIGNATURE_ANNOTATION]: "%%not base64%%" } },
      image,
      policy,
    );
    assert.equal(v.verified, false);
    assert.match(v.reason, /is not valid base64/);
  });

  it("rejects a layer whose blob does not match its descriptor digest", () => {
    const l = layer();
    const v = verifySignatureLayer({ ...l, declaredDigest: otherDigest }, image, policy);
    assert.equal(v.verified, false);
    assert.match(v.reason, /signature layer blob digest mismatch/);
  });

  it("rejects a payload that is not JSON even when the signature verifies", () => {
    const v = verifySignatureLayer(layer({ payload: Buffer.from("not json") }), image, policy);
    assert.equal(v.verified, false);
    assert.match(v.reason, /not JSON/);
  });
});

describe("DSSE attestation security", () => {
  const statement = buildStatement({
    subjectName: "registry.example.com/team/app",
    digest,
    predicateType: "https://spdx.dev/Document",
    predicate: { spdxVersion: "SPDX-2.3" },
  });
  const payload = Buffer.from(JSON.stringify(statement));

  it("PAE matches the DSSE specification's example", () => {
    assert.equal(
      pae("http://example.com/HelloWorld", Buffer.from("hello world")).toString(),
      "DSSEv1 29 http://example.com/HelloWorld 11 hello world",
    );
  });

  it("accepts the genuine envelope and refuses tampering, wrong keys, other digests and types", () => {
    const env = signEnvelope(IN_TOTO_PAYLOAD_TYPE, payload, signer.privateKey);
    assert.equal(verifyEnvelopeFor("t", env, image, policy).verified, true);
    const tampered = {
      ...env,
      payload: Buffer.from(JSON.stringify({ ...statement, predicate: {} })).toString("base64"),
    };
    assert.match(verifyEnvelopeFor("t", tampered, image, policy).reason, /DSSE signature does not verify/);
    // The payload type is signed too (PAE): changing it breaks the signature.
    assert.match(
      verifyEnvelopeFor("t", { ...env, payloadType: "text/plain" }, image, policy).reason,
      /does not verify/,
    );
    const foreign = signEnvelope(IN_TOTO_PAYLOAD_TYPE, payload, stranger.privateKey);
    assert.equal(verifyEnvelopeFor("t", foreign, image, policy).verified, false);
    assert.match(
      verifyEnvelopeFor("t", env, { ...image, digest: otherDigest }, policy).reason,
      /statement is for another digest/,
    );
    assert.match(
      verifyEnvelopeFor("t", env, image, policy, "https://slsa.dev/provenance/v1").reason,
      /predicate type is https:\/\/spdx\.dev\/Document/,
    );
    assert.match(
      verifyEnvelopeFor("t", { ...env, signatures: [{ sig: "!!" }] }, image, policy).reason,
      /not valid base64/,
    );
  });
});
