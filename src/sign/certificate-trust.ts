/**
 * Certificate-based signers (Fulcio "keyless" and a private PKI): the leaf certificate and chain
 * from the signature-layer annotations `dev.sigstore.cosign/certificate` and
 * `dev.sigstore.cosign/chain`, a chain built up to one of the given trusted roots, validity at a
 * given time (the Rekor integrated time for Fulcio's short-lived certificates), and the identity
 * in the certificate: email / hostname SANs and the Fulcio OIDC issuer extension
 * (1.3.6.1.4.1.57264.1.1, or .1.8). Trust material is always passed in, never fetched.
 */
import { type KeyObject, X509Certificate } from "node:crypto";
import { parsePemBlocks, toPem } from "./key-format.js";

export const CERTIFICATE_ANNOTATION = "dev.sigstore.cosign/certificate";
export const CHAIN_ANNOTATION = "dev.sigstore.cosign/chain";

export interface CertificateTrust {
  /** Trust anchors. */
  roots: X509Certificate[];
  /** Intermediates known beforehand (PKI); the chain annotation adds more. */
  intermediates?: X509Certificate[];
  subjectEmail?: string;
  subjectHostname?: string;
  /** Required Fulcio OIDC issuer. */
  oidcIssuer?: string;
}

export function readCertificates(text: string): X509Certificate[] {
  return parsePemBlocks(text)
    .filter((b) => b.type === "CERTIFICATE")
    .map((b) => new X509Certificate(toPem(b.type, b.der)));
}

const FULCIO_ISSUER_V1 = Buffer.from([
  0x06, 0x0a, 0x2b, 0x06, 0x01, 0x04, 0x01, 0x83, 0xbf, 0x30, 0x01, 0x01,
]);
const FULCIO_ISSUER_V2 = Buffer.from([
  0x06, 0x0a, 0x2b, 0x06, 0x01, 0x04, 0x01, 0x83, 0xbf, 0x30, 0x01, 0x08,
]);

/** Read a DER length at `i`; returns [length, offset of the content]. */
function derLength(buf: Buffer, i: number): [number, number] {
  const first = buf[i];
  if (first < 0x80) return [first, i + 1];
  const n = first & 0x7f;
  let len = 0;
  for (let k = 0; k < n; k++) len = len * 256 + buf[i + 1 + k];
  return [len, i + 1 + n];
}

/** The extension value (OCTET STRING content) following an OID in the certificate DER. */
function extensionValue(der: Buffer, oid: Buffer): Buffer | undefined {
  const at = der.indexOf(oid);
  if (at < 0) return undefined;
  let i = at + oid.length;
  if (der[i] === 0x01) i += 3; // critical BOOLEAN
  if (der[i] !== 0x04) return undefined;
  const [len, start] = derLength(der, i + 1);
  return der.subarray(start, start + len);
}

/** The Fulcio OIDC issuer recorded in the certificate, if any. */
export function fulcioIssuer(cert: X509Certificate): string | undefined {
  const v2 = extensionValue(cert.raw, FULCIO_ISSUER_V2);
  if (v2 && v2[0] === 0x0c) {
    const [len, start] = derLength(v2, 1);
    return v2.subarray(start, start + len).toString("utf8");
  }
  return extensionValue(cert.raw, FULCIO_ISSUER_V1)?.toString("utf8");
}

function validAt(cert: X509Certificate, at: Date): boolean {
  const t = at.getTime();
  return Date.parse(cert.validFrom) <= t && t <= Date.parse(cert.validTo);
}

function issuedBy(child: X509Certificate, parent: X509Certificate): boolean {
  try {
    return child.checkIssued(parent) && child.verify(parent.publicKey);
  } catch {
    return false;
  }
}

export interface CertificateCheck {
  ok: boolean;
  reason?: string;
  /** The leaf's public key, to verify the signature with (when the leaf parses). */
  publicKey?: KeyObject;
  subject?: string;
}

/** Check a leaf certificate (PEM) and optional chain (PEM) against the trust at time `at`. */
export function verifyCertificate(
  leafPem: string | undefined,
  chainPem: string | undefined,
  trust: CertificateTrust,
  at: Date,
): CertificateCheck {
  if (!leafPem) return { ok: false, reason: `no signing certificate (annotation ${CERTIFICATE_ANNOTATION})` };
  let leaf: X509Certificate;
  let chain: X509Certificate[];
  try {
    [leaf] = readCertificates(leafPem);
    chain = chainPem ? readCertificates(chainPem) : [];
  } catch {
    return { ok: false, reason: "signing certificate or chain cannot be parsed" };
  }
  if (!leaf) return { ok: false, reason: "certificate annotation holds no CERTIFICATE PEM" };
  const publicKey = leaf.publicKey;
  const subject = leaf.subjectAltName ?? leaf.subject;
  const fail = (reason: string): CertificateCheck => ({ ok: false, reason, publicKey, subject });
  if (!validAt(leaf, at))
    return fail(`certificate not valid at ${at.toISOString()} (valid ${leaf.validFrom} – ${leaf.validTo})`);
  const pool = [...chain, ...(trust.intermediates ?? [])];
  let current = leaf;
  let anchored = false;
  for (let depth = 0; depth < 10 && !anchored; depth++) {
    const root = trust.roots.find((r) => issuedBy(current, r));
    if (root) {
      if (!validAt(root, at)) return fail("trusted root not valid at signing time");
      anchored = true;
      break;
    }
    const next = pool.find((c) => c.ca && !c.raw.equals(current.raw) && issuedBy(current, c));
    if (!next) break;
    if (!validAt(next, at)) return fail(`intermediate ${next.subject} not valid at signing time`);
    current = next;
  }
  if (!anchored) return fail("certificate does not chain to a trusted root");
  if (trust.subjectEmail && leaf.checkEmail(trust.subjectEmail, { subject: "never" }) === undefined)
    return fail(`certificate email SAN is not ${trust.subjectEmail} (has ${subject})`);
  if (trust.subjectHostname && leaf.checkHost(trust.subjectHostname, { subject: "never" }) === undefined)
    return fail(`certificate hostname SAN is not ${trust.subjectHostname} (has ${subject})`);
  if (trust.oidcIssuer) {
    const issuer = fulcioIssuer(leaf);
    if (issuer !== trust.oidcIssuer)
      return fail(`certificate OIDC issuer is ${issuer ?? "(none)"}, expected ${trust.oidcIssuer}`);
  }
  return { ok: true, publicKey, subject };
}
