/**
 * Starts Debian's docker-registry (CNCF distribution 2.8, `/usr/bin/docker-registry serve CONFIG`)
 * on 127.0.0.1 on a free port for a test: anonymous, htpasswd Basic auth (bcrypt, `htpasswd
 * -Bbn`) with optional TLS from a CA made here with openssl, or token auth backed by a small
 * RS256 token server running in the test process. Stop it with `stop()`. Tests skip with
 * SKIP_NO_DOCKER_REGISTRY when the binaries are missing.
 */
import { execFileSync, spawn } from "node:child_process";
import { createSign, randomUUID, X509Certificate } from "node:crypto";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createServer as createHttpServer, type Server } from "node:http";
import { connect, createServer as createNetServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as delay } from "node:timers/promises";

export const REGISTRY_BIN = "/usr/bin/docker-registry";

function which(bin: string): boolean {
  try {
    execFileSync("sh", ["-c", 'command -v "$1"', "sh", bin], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/** Why registry tests cannot run here, or undefined when they can. */
export const SKIP_NO_DOCKER_REGISTRY: string | undefined = !existsSync(REGISTRY_BIN)
  ? "skipped: /usr/bin/docker-registry not installed (Debian package docker-registry)"
  : !which("htpasswd")
    ? "skipped: htpasswd not installed (Debian package apache2-utils)"
    : !which("openssl")
      ? "skipped: openssl not installed"
      : undefined;

export type RegistryAuth = "none" | "htpasswd" | "token";

export interface RegistryServerOptions {
  auth?: RegistryAuth;
  tls?: boolean;
  user?: string;
  password?: string;
}

export interface RegistryServer {
  /** `127.0.0.1:PORT` */
  address: string;
  scheme: "http" | "https";
  auth: RegistryAuth;
  user: string;
  password: string;
  /** PEM of the CA that signed the registry's certificate (TLS only). */
  caFile?: string;
  dir: string;
  /** Token requests served (token auth only). */
  tokenRequests(): number;
  stop(): Promise<void>;
}

/** A free TCP port on 127.0.0.1 (closed again before it is returned). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createNetServer();
    srv.once("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      const port = typeof addr === "object" && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function openssl(args: string[], cwd: string): void {
  execFileSync("openssl", args, { cwd, stdio: "ignore" });
}

/** A CA and a server certificate for 127.0.0.1/localhost, written under dir. */
export function makeTestCa(dir: string): { caFile: string; certFile: string; keyFile: string } {
  mkdirSync(dir, { recursive: true });
  openssl(
    [
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-days",
      "2",
      "-subj",
      "/CN=Portcullis Test CA",
      "-addext",
      "basicConstraints=critical,CA:TRUE",
      "-addext",
      "keyUsage=critical,keyCertSign,cRLSign",
      "-keyout",
      "ca.key",
      "-out",
      "ca.crt",
    ],
    dir,
  );
  openssl(
    [
      "req",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-subj",
      "/CN=localhost",
      "-keyout",
      "server.key",
      "-out",
      "server.csr",
    ],
    dir,
  );
  writeFileSync(
    join(dir, "server.ext"),
    "subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature,keyEncipherment\nextendedKeyUsage=serverAuth\n",
  );
  openssl(
    [
      "x509",
      "-req",
      "-in",
      "server.csr",
      "-CA",
      "ca.crt",
      "-CAkey",
      "ca.key",
      "-CAcreateserial",
      "-days",
      "2",
      "-sha256",
      "-extfile",
      "server.ext",
      "-out",
      "server.crt",
    ],
    dir,
  );
  return { caFile: join(dir, "ca.crt"), certFile: join(dir, "server.crt"), keyFile: join(dir, "server.key") };
}

interface TokenServer {
  realm: string;
  server: Server;
  count: () => number;
}

/** A distribution token server: RS256 JWT with an x5c header; anonymous → pull, the user → pull,push. */
async function startTokenServer(
  dir: string,
  user: string,
  password: string,
  issuer: string,
  service: string,
): Promise<TokenServer> {
  openssl(
    [
      "req",
      "-x509",
      "-newkey",
      "rsa:2048",
      "-nodes",
      "-days",
      "2",
      "-subj",
      "/CN=portcullis token signer",
      "-keyout",
      "token.key",
      "-out",
      "token.crt",
    ],
    dir,
  );
  const key = readFileSync(join(dir, "token.key"), "utf8");
  const x5c = [new X509Certificate(readFileSync(join(dir, "token.crt"))).raw.toString("base64")];
  const b64u = (s: string) => Buffer.from(s).toString("base64url");
  let served = 0;
  const server = createHttpServer((req, res) => {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const send = (code: number, body: unknown) => {
      res.writeHead(code, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    if (url.pathname !== "/token") return send(404, { errors: [{ code: "NOT_FOUND" }] });
    served++;
    let sub = "";
    const auth = req.headers.authorization ?? "";
    if (auth.startsWith("Basic ")) {
      const raw = Buffer.from(auth.slice(6), "base64").toString();
      const i = raw.indexOf(":");
      if (raw.slice(0, i) !== user || raw.slice(i + 1) !== password) {
        return send(401, { errors: [{ code: "UNAUTHORIZED", message: "bad credentials" }] });
      }
      sub = user;
    }
    if (url.searchParams.get("service") !== service) return send(400, { errors: [{ code: "DENIED" }] });
    const access = url.searchParams.getAll("scope").flatMap((scope) => {
      const m = /^(repository|registry):(.+):([a-z*,]+)$/.exec(scope);
      if (!m) return [];
      const actions = m[3].split(",").filter((a) => (sub ? ["pull", "push", "*"].includes(a) : a === "pull"));
      return actions.length ? [{ type: m[1], name: m[2], actions }] : [];
    });
    const now = Math.floor(Date.now() / 1000);
    const claims = {
      iss: issuer,
      sub,
      aud: service,
      exp: now + 300,
      nbf: now - 10,
      iat: now,
      jti: randomUUID(),
      access,
    };
    const input = `${b64u(JSON.stringify({ typ: "JWT", alg: "RS256", x5c }))}.${b64u(JSON.stringify(claims))}`;
    const token = `${input}.${createSign("RSA-SHA256").update(input).sign(key).toString("base64url")}`;
    send(200, { token, access_token: token, expires_in: 300, issued_at: new Date(now * 1000).toISOString() });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const addr = server.address();
  const port = typeof addr === "object" && addr ? addr.port : 0;
  return { realm: `http://127.0.0.1:${port}/token`, server, count: () => served };
}

export async function startRegistry(opts: RegistryServerOptions = {}): Promise<RegistryServer> {
  const auth = opts.auth ?? "none";
  const user = opts.user ?? "testuser";
  const password = opts.password ?? "testpass";
  const dir = mkdtempSync(join(tmpdir(), "portcullis-registry-"));
  const port = await freePort();
  const lines = [
    "version: 0.1",
    "log: {level: error, fields: {service: registry}}",
    "storage:",
    "  cache: {blobdescriptor: inmemory}",
    `  filesystem: {rootdirectory: ${join(dir, "data")}}`,
    "  delete: {enabled: true}",
    "http:",
    `  addr: 127.0.0.1:${port}`,
    "  secret: portcullis-test-secret",
    "  headers: {X-Content-Type-Options: [nosniff]}",
  ];
  let caFile: string | undefined;
  if (opts.tls) {
    const ca = makeTestCa(join(dir, "certs"));
    caFile = ca.caFile;
    lines.push(`  tls: {certificate: ${ca.certFile}, key: ${ca.keyFile}}`);
  }
  let token: TokenServer | undefined;
  if (auth === "htpasswd") {
    const htpasswd = execFileSync("htpasswd", ["-Bbn", user, password], { encoding: "utf8" });
    writeFileSync(join(dir, "htpasswd"), htpasswd);
    lines.push("auth:", `  htpasswd: {realm: portcullis-test, path: ${join(dir, "htpasswd")}}`);
  } else if (auth === "token") {
    mkdirSync(join(dir, "token"), { recursive: true });
    token = await startTokenServer(
      join(dir, "token"),
      user,
      password,
      "portcullis-test-issuer",
      "portcullis-test",
    );
    lines.push(
      "auth:",
      "  token:",
      `    realm: ${token.realm}`,
      "    service: portcullis-test",
      "    issuer: portcullis-test-issuer",
      `    rootcertbundle: ${join(dir, "token", "token.crt")}`,
    );
  }
  const config = join(dir, "config.yml");
  writeFileSync(config, `${lines.join("\n")}\n`);
  const child = spawn(REGISTRY_BIN, ["serve", config], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr?.on("data", (d: Buffer) => {
    stderr += d.toString();
  });
  let exited = false;
  child.on("exit", () => {
    exited = true;
  });
  const scheme = opts.tls ? "https" : "http";
  // Wait until it accepts connections.
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (exited) throw new Error(`docker-registry exited at start: ${stderr.slice(0, 500)}`);
    const up = await new Promise<boolean>((resolve) => {
      const c = connect(port, "127.0.0.1");
      c.once("connect", () => {
        c.destroy();
        resolve(true);
      });
      c.once("error", () => resolve(false));
    });
    if (up) break;
    if (Date.now() > deadline) {
      child.kill("SIGKILL");
      throw new Error(
        `docker-registry did not listen on 127.0.0.1:${port} within 15 s: ${stderr.slice(0, 500)}`,
      );
    }
    await delay(50);
  }
  return {
    address: `127.0.0.1:${port}`,
    scheme,
    auth,
    user,
    password,
    caFile,
    dir,
    tokenRequests: () => token?.count() ?? 0,
    async stop() {
      if (!exited) {
        const done = new Promise<void>((resolve) => child.once("exit", () => resolve()));
        child.kill("SIGTERM");
        await Promise.race([done, delay(5_000)]);
        if (!exited) child.kill("SIGKILL");
      }
      if (token) await new Promise<void>((resolve) => token.server.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
