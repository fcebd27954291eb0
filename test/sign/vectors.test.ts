/**
 * The shared cosign vectors (containers/image fixtures, ../shared/vectors/cosign): every case in
 * cases.json is run through the verification policy and must give the recorded accept/reject.
 * Key, key+Rekor, Fulcio+Rekor and PKI cases are all supported; none is skipped.
 */
import assert from "node:assert/strict";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { describe, it } from "node:test";
import { readCertificates } from "../../src/sign/certificate-trust.js";
import { readPublicKey } from "../../src/sign/key-format.js";
import {
  type IdentityRequirement,
  type SignatureLayer,
  type TrustPolicy,
  verifySignatureLayer,
} from "../../src/sign/verify-policy.js";
import { readVectorJson, SKIP_NO_SHARED, vectorPath } from "../support/shared.js";

interface VectorCase {
  name: string;
  image: { manifest: string; manifestDigest: string; reference: string };
  signatures: string[];
  trust: {
    keys?: string[];
    rekorKeys?: string[];
    fulcio?: { caFile: string; oidcIssuer: string; subjectEmail: string };
    pki?: { rootsFile: string; intermediatesFile: string; subjectEmail?: string; subjectHostname?: string };
  };
  identity: { type: string; reference?: string };
  modify?: {
    setAnnotation?: Record<string, string>;
    removeAnnotation?: string;
    removeAllAnnotations?: boolean;
  };
  expected: "accepted" | "rejected";
  reason: string;
}

const cases = readVectorJson<{ cases: VectorCase[] }>("cosign", "cases.json");

function file(rel: string): string {
  const p = vectorPath("cosign", rel);
  assert.ok(p, `missing vector file ${rel}`);
  return readFileSync(p, "utf8");
}

function policyFor(c: VectorCase): TrustPolicy {
  const policy: TrustPolicy = {
    keys: (c.trust.keys ?? []).map((k) => ({ name: k, key: readPublicKey(file(k), k) })),
    identity: c.identity as IdentityRequirement,
  };
  if (c.trust.rekorKeys) policy.rekorKeys = c.trust.rekorKeys.map((k) => readPublicKey(file(k), k));
  if (c.trust.fulcio)
    policy.certificate = {
      roots: readCertificates(file(c.trust.fulcio.caFile)),
      oidcIssuer: c.trust.fulcio.oidcIssuer,
      subjectEmail: c.trust.fulcio.subjectEmail,
    };
  if (c.trust.pki)
    policy.certificate = {
      roots: readCertificates(file(c.trust.pki.rootsFile)),
      intermediates: readCertificates(file(c.trust.pki.intermediatesFile)),
      subjectEmail: c.trust.pki.subjectEmail,
      subjectHostname: c.trust.pki.subjectHostname,
    };
  return policy;
}

function layerFor(c: VectorCase, sigFile: string): SignatureLayer {
  const doc = JSON.parse(file(sigFile)) as {
    mimeType: string;
    payload: string;
    annotations?: Record<string, string>;
  };
  const payload = Buffer.from(doc.payload, "base64");
  let annotations = { ...(doc.annotations ?? {}) };
  if (c.modify?.removeAllAnnotations) annotations = {};
  if (c.modify?.removeAnnotation) delete annotations[c.modify.removeAnnotation];
  Object.assign(annotations, c.modify?.setAnnotation ?? {});
  return {
    source: sigFile,
    mediaType: doc.mimeType,
    payload,
    declaredDigest: `sha256:${createHash("sha256").update(payload).digest("hex")}`,
    annotations,
  };
}

describe("cosign shared vectors", { skip: cases ? false : SKIP_NO_SHARED }, () => {
  it("has the 28 documented cases", () => {
    assert.equal(cases?.cases.length, 28);
  });
  for (const c of cases?.cases ?? []) {
    it(`${c.name}: ${c.expected} (${c.reason})`, () => {
      const manifest = readFileSync(vectorPath("cosign", c.image.manifest) as string);
      const digest = `sha256:${createHash("sha256").update(manifest).digest("hex")}`;
      assert.equal(digest, c.image.manifestDigest, "manifest digest recomputed from the bytes");
      const policy = policyFor(c);
      const verdicts = c.signatures.map((s) =>
        verifySignatureLayer(layerFor(c, s), { reference: c.image.reference, digest }, policy),
      );
      const accepted = verdicts.some((v) => v.verified);
      assert.equal(
        accepted ? "accepted" : "rejected",
        c.expected,
        verdicts.map((v) => `${v.source}: ${v.reason}`).join("; "),
      );
      for (const v of verdicts) assert.ok(v.reason.length > 0, "every verdict has a reason");
      if (process.env.SIGN_VECTORS_VERBOSE)
        console.log(JSON.stringify([c.name, c.expected, verdicts.map((v) => v.reason)]));
    });
  }
});
