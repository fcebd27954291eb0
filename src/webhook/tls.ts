/**
 * TLS material for the webhook: a self-signed CA and a serving certificate signed by it, made
 * with the `openssl` command (node:crypto has no X.509 builder), for `webhook serve` without
 * --tls-cert and for `webhook install`'s Secret and caBundle. Keys are P-256, files 0600.
 * Not a general PKI: one CA, one leaf, for one service.
 */
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

export interface GeneratedTls {
  dir: string;
  caCertFile: string;
  certFile: string;
  keyFile: string;
  caCert: string;
  cert: string;
  key: string;
}

function openssl(args: string[], cwd: string): void {
  try {
    execFileSync("openssl", args, { cwd, stdio: ["ignore", "ignore", "pipe"] });
  } catch (err) {
    const e = err as NodeJS.ErrnoException & { stderr?: Buffer };
    if (e.code === "ENOENT") {
      throw new Error(
        "the openssl command is needed to generate a certificate; install it or pass --tls-cert and --tls-key",
      );
    }
    throw new Error(`openssl ${args[0]} failed: ${e.stderr?.toString().trim() || e.message}`);
  }
}

/**
 * Generate a CA and a serving certificate for `hosts` (DNS names and IP addresses) into `dir`
 * (default: a new temporary folder). Valid for `days` (default 365).
 */
export function generateServingCert(
  hosts: string[],
  opts: { dir?: string; days?: number; cn?: string } = {},
): GeneratedTls {
  const dir = opts.dir ?? mkdtempSync(join(tmpdir(), "portcullis-webhook-tls-"));
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const days = String(opts.days ?? 365);
  const curve = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
  openssl(
    [
      "req",
      "-x509",
      ...curve,
      "-keyout",
      "ca.key",
      "-out",
      "ca.crt",
      "-days",
      days,
      "-subj",
      "/CN=portcullis-webhook-ca",
      "-addext",
      "basicConstraints=critical,CA:TRUE",
      "-addext",
      "keyUsage=critical,keyCertSign,cRLSign",
    ],
    dir,
  );
  const cn = opts.cn ?? hosts[0] ?? "localhost";
  openssl(["req", ...curve, "-keyout", "tls.key", "-out", "tls.csr", "-subj", `/CN=${cn}`], dir);
  const san = hosts.map((h) => (/^[\d.]+$/.test(h) || h.includes(":") ? `IP:${h}` : `DNS:${h}`)).join(",");
  writeFileSync(
    join(dir, "ext.cnf"),
    `subjectAltName=${san}\nbasicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n`,
  );
  openssl(
    [
      "x509",
      "-req",
      "-in",
      "tls.csr",
      "-CA",
      "ca.crt",
      "-CAkey",
      "ca.key",
      "-set_serial",
      `0x${randomBytes(12).toString("hex")}`,
      "-out",
      "tls.crt",
      "-days",
      days,
      "-extfile",
      "ext.cnf",
    ],
    dir,
  );
  for (const f of ["ca.key", "tls.key"]) chmodSync(join(dir, f), 0o600);
  const read = (f: string) => readFileSync(join(dir, f), "utf8");
  return {
    dir,
    caCertFile: join(dir, "ca.crt"),
    certFile: join(dir, "tls.crt"),
    keyFile: join(dir, "tls.key"),
    caCert: read("ca.crt"),
    cert: read("tls.crt"),
    key: read("tls.key"),
  };
}
