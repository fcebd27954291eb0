/**
 * TLS material for the webhook: a self-signed CA and a serving certificate signed by it, made
 * in-process with node:crypto (P-256 keys, ECDSA-SHA256 signatures; the certificate structure
 * is encoded by der.ts) — no `openssl` command, so it works in a distroless image — for
 * `webhook serve` without --tls-cert and for `webhook install`'s Secret and caBundle. Key files
 * are 0600. Not a general PKI: one CA, one leaf, for one service.
 */
import {
  createHash,
  generateKeyPairSync,
  type KeyObject,
  randomBytes,
  sign,
  X509Certificate,
} from "node:crypto";
import { chmodSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { isIP } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as der from "./der.js";

export interface GeneratedTls {
  dir: string;
  caCertFile: string;
  certFile: string;
  keyFile: string;
  caCert: string;
  cert: string;
  key: string;
}

const ECDSA_SHA256 = der.sequence(der.oid("1.2.840.10045.4.3.2"));
const ext = (id: string, critical: boolean, value: Buffer) =>
  der.sequence(der.oid(id), ...(critical ? [der.boolean(true)] : []), der.octetString(value));
const commonName = (cn: string) =>
  der.sequence(der.set(der.sequence(der.oid("2.5.4.3"), der.utf8String(cn))));
/** keyUsage bits, most significant first: digitalSignature(0) ... keyEncipherment(2) ... keyCertSign(5), cRLSign(6). */
const keyUsage = (bits: number[]) => {
  let byte = 0;
  for (const b of bits) byte |= 0x80 >> b;
  const unused = 7 - Math.max(...bits);
  return der.tlv(0x03, Buffer.from([unused, byte]));
};

function spki(key: KeyObject): Buffer {
  return key.export({ type: "spki", format: "der" });
}

/** The key identifier of RFC 5280 4.2.1.2 (1): SHA-1 of the subjectPublicKey bits. */
function keyId(key: KeyObject): Buffer {
  const info = spki(key);
  // P-256 SPKI: the BIT STRING with the 65-byte point is the last 66 bytes (0x00 + point).
  return createHash("sha1")
    .update(info.subarray(info.length - 65))
    .digest();
}

interface CertSpec {
  subject: string;
  issuer: string;
  publicKey: KeyObject;
  signingKey: KeyObject;
  notBefore: Date;
  notAfter: Date;
  extensions: Buffer[];
}

function certificate(c: CertSpec): string {
  const serial = randomBytes(12);
  serial[0] &= 0x7f;
  const tbs = der.sequence(
    der.explicit(0, der.integer(2)), // v3
    der.integer(serial),
    ECDSA_SHA256,
    commonName(c.issuer),
    der.sequence(der.time(c.notBefore), der.time(c.notAfter)),
    commonName(c.subject),
    spki(c.publicKey),
    der.explicit(3, der.sequence(...c.extensions)),
  );
  const signature = sign("sha256", tbs, c.signingKey); // DER ECDSA-Sig-Value
  const body = der.sequence(tbs, ECDSA_SHA256, der.bitString(signature));
  const b64 = body.toString("base64").replace(/.{1,64}/g, "$&\n");
  return `-----BEGIN CERTIFICATE-----\n${b64}-----END CERTIFICATE-----\n`;
}

function subjectAltNames(hosts: string[]): Buffer {
  return der.sequence(
    ...hosts.map((h) => {
      const v = isIP(h);
      if (!v) return der.implicit(2, Buffer.from(h, "ascii")); // dNSName
      const addr = v === 4 ? Buffer.from(h.split(".").map(Number)) : ipv6(h);
      return der.implicit(7, addr); // iPAddress
    }),
  );
}

/** The 16 bytes of an IPv6 address. */
function ipv6(h: string): Buffer {
  const [head, tail = ""] = h.split("::");
  const groups = (s: string) => (s ? s.split(":") : []);
  const hs = groups(head);
  const ts = h.includes("::") ? groups(tail) : [];
  const all = [...hs, ...Array(8 - hs.length - ts.length).fill("0"), ...ts];
  const out = Buffer.alloc(16);
  for (const [i, g] of all.entries()) out.writeUInt16BE(Number.parseInt(g, 16), i * 2);
  return out;
}

function keyPem(key: KeyObject): string {
  return key.export({ type: "pkcs8", format: "pem" }).toString();
}

/**
 * Generate a CA and a serving certificate for `hosts` (DNS names and IP addresses) into `dir`
 * (default: a new temporary folder). Valid for `days` (default 365).
 */
export async function generateServingCert(
  hosts: string[],
  opts: { dir?: string; days?: number; cn?: string } = {},
): Promise<GeneratedTls> {
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), "portcullis-webhook-tls-"));
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const notBefore = new Date(Math.floor(Date.now() / 1000) * 1000 - 60_000); // clock skew
  const notAfter = new Date(notBefore.getTime() + (opts.days ?? 365) * 86_400_000);
  const ca = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const leaf = generateKeyPairSync("ec", { namedCurve: "P-256" });
  const caName = "portcullis-webhook-ca";
  const caCert = certificate({
    subject: caName,
    issuer: caName,
    publicKey: ca.publicKey,
    signingKey: ca.privateKey,
    notBefore,
    notAfter,
    extensions: [
      ext("2.5.29.19", true, der.sequence(der.boolean(true), der.integer(0))), // CA, pathLen 0
      ext("2.5.29.15", true, keyUsage([5, 6])), // keyCertSign, cRLSign
      ext("2.5.29.14", false, der.octetString(keyId(ca.publicKey))),
    ],
  });
  const cert = certificate({
    subject: opts.cn ?? hosts[0] ?? "localhost",
    issuer: caName,
    publicKey: leaf.publicKey,
    signingKey: ca.privateKey,
    notBefore,
    notAfter,
    extensions: [
      ext("2.5.29.19", true, der.sequence()), // not a CA
      ext("2.5.29.15", true, keyUsage([0, 2])), // digitalSignature, keyEncipherment
      ext("2.5.29.37", false, der.sequence(der.oid("1.3.6.1.5.5.7.3.1"))), // serverAuth
      ext("2.5.29.17", false, subjectAltNames(hosts)),
      ext("2.5.29.35", false, der.sequence(der.implicit(0, keyId(ca.publicKey)))),
    ],
  });
  // Read back: a certificate Node cannot parse or verify must not be handed out.
  const check = new X509Certificate(cert);
  if (!check.verify(ca.publicKey) || !check.checkIssued(new X509Certificate(caCert)))
    throw new Error("generated certificate does not verify against its CA");
  const files: Record<string, string> = {
    "ca.crt": caCert,
    "ca.key": keyPem(ca.privateKey),
    "tls.crt": cert,
    "tls.key": keyPem(leaf.privateKey),
  };
  for (const [name, text] of Object.entries(files)) {
    const secret = name.endsWith(".key");
    writeFileSync(join(dir, name), text, { mode: secret ? 0o600 : 0o644 });
    if (secret) chmodSync(join(dir, name), 0o600);
  }
  return {
    dir,
    caCertFile: join(dir, "ca.crt"),
    certFile: join(dir, "tls.crt"),
    keyFile: join(dir, "tls.key"),
    caCert,
    cert,
    key: files["tls.key"],
  };
}
