/**
 * The serving certificate and key given as files (--tls-cert, --tls-key), checked before the
 * server uses them: the certificate file must hold a certificate (not a key), the key file a
 * private key, and the two must belong together. Each problem names the file (TlsFileError,
 * exit 2 in the CLI) instead of surfacing OpenSSL's words from deep inside the TLS stack.
 */
import { createPrivateKey, type KeyObject, X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";

export class TlsFileError extends Error {
  override readonly name = "TlsFileError";
}

export interface ServingPair {
  cert: string;
  key: string;
}

function read(flag: string, file: string): string {
  try {
    return readFileSync(file, "utf8");
  } catch (err) {
    throw new TlsFileError(`${flag} ${file}: cannot read it (${(err as NodeJS.ErrnoException).code ?? err})`);
  }
}

/** Read and check a certificate/key pair; throws TlsFileError naming the file at fault. */
export function loadServingPair(certFile: string, keyFile: string): ServingPair {
  const cert = read("--tls-cert", certFile);
  const key = read("--tls-key", keyFile);
  if (!cert.includes("-----BEGIN CERTIFICATE-----")) {
    const what = /-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(cert) ? "a private key" : "no PEM certificate";
    throw new TlsFileError(
      `--tls-cert ${certFile}: expected a PEM certificate (BEGIN CERTIFICATE), found ${what}`,
    );
  }
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(cert);
  } catch {
    throw new TlsFileError(`--tls-cert ${certFile}: the PEM certificate cannot be read (damaged?)`);
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(key);
  } catch {
    const what = key.includes("-----BEGIN CERTIFICATE-----") ? "a certificate" : "no readable private key";
    throw new TlsFileError(`--tls-key ${keyFile}: expected a PEM private key (unencrypted), found ${what}`);
  }
  if (!x509.checkPrivateKey(privateKey)) {
    throw new TlsFileError(
      `--tls-key ${keyFile} does not match the certificate in --tls-cert ${certFile} (issued for ${x509.subject.replace(/\n/g, ", ")})`,
    );
  }
  return { cert, key };
}
