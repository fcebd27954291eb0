/**
 * Webhook load bench: autocannon on loopback against /validate (warm caches) and, in the same
 * run, a bare node:https server answering the same AdmissionReview with a canned response. Each
 * server runs in its own process (this file, re-run with PORTCULLIS_WEBHOOK_BENCH_CHILD set) so
 * the load generator does not share its event loop. Prints req/s and p50/p99 latency.
 * Goals: p99 < 5 ms at 1,000 req/s; at least half the bare server's rate. About 20 s.
 */
import { type ChildProcess, spawn } from "node:child_process";
import { rmSync } from "node:fs";
import { createServer, request } from "node:https";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import autocannon from "autocannon";
import { pino } from "pino";
import { startWebhook } from "../src/webhook/server.js";
import { generateServingCert } from "../src/webhook/tls.js";
import { CASES_DIR, POLICY_FILE, readObjects } from "../test/policy/cases.js";
import { admissionReview } from "../test/webhook/client.js";

const CHILD = process.env.PORTCULLIS_WEBHOOK_BENCH_CHILD;

function payload(): string {
  return JSON.stringify(
    admissionReview(readObjects(join(CASES_DIR, "deployment-privileged.yaml"))[0], { namespace: "apps" }),
  );
}

async function child(kind: string): Promise<void> {
  const certFile = process.env.BENCH_CERT as string;
  const keyFile = process.env.BENCH_KEY as string;
  if (kind === "webhook") {
    const server = await startWebhook({
      policyFile: POLICY_FILE,
      tlsCert: certFile,
      tlsKey: keyFile,
      host: "127.0.0.1",
      port: 0,
      watchIntervalMs: 0,
      logger: pino({ level: "warn" }),
    });
    process.stdout.write(`${JSON.stringify({ url: `${server.url}/validate` })}\n`);
    process.once("SIGTERM", () => void server.close().then(() => process.exit(0)));
    return;
  }
  const { readFileSync } = await import("node:fs");
  const sample = process.env.BENCH_SAMPLE as string;
  const bare = createServer({ key: readFileSync(keyFile), cert: readFileSync(certFile) }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      JSON.parse(Buffer.concat(chunks).toString("utf8"));
      res.writeHead(200, { "content-type": "application/json; charset=utf-8" });
      res.end(sample);
    });
  });
  bare.listen(0, "127.0.0.1", () => {
    process.stdout.write(
      `${JSON.stringify({ url: `https://127.0.0.1:${(bare.address() as { port: number }).port}/validate` })}\n`,
    );
  });
  process.once("SIGTERM", () => bare.close(() => process.exit(0)));
}

function startChild(kind: string, env: Record<string, string>): Promise<{ proc: ChildProcess; url: string }> {
  const proc = spawn(process.execPath, ["--import", "tsx", fileURLToPath(import.meta.url)], {
    env: { ...process.env, ...env, PORTCULLIS_WEBHOOK_BENCH_CHILD: kind },
    stdio: ["ignore", "pipe", "inherit"],
  });
  return new Promise((resolve, reject) => {
    const rl = createInterface({ input: proc.stdout as NodeJS.ReadableStream });
    rl.once("line", (line) => resolve({ proc, url: (JSON.parse(line) as { url: string }).url }));
    proc.once("exit", (code) => reject(new Error(`${kind} server exited with ${code}`)));
  });
}

async function load(url: string, body: string, opts: { overallRate?: number; duration: number }) {
  const r = await autocannon({
    url,
    method: "POST",
    headers: { "content-type": "application/json" },
    body,
    connections: 16,
    duration: opts.duration,
    ...(opts.overallRate ? { overallRate: opts.overallRate } : {}),
  });
  return {
    rps: r.requests.average,
    p50: r.latency.p50,
    p99: r.latency.p99,
    errors: r.errors + r.non2xx + r.timeouts,
  };
}

export default async function (): Promise<void> {
  const tls = generateServingCert(["127.0.0.1", "localhost"]);
  const env = { BENCH_CERT: tls.certFile, BENCH_KEY: tls.keyFile };
  const body = payload();
  const hook = await startChild("webhook", env);
  let bare: { proc: ChildProcess; url: string } | undefined;
  try {
    const sample = await new Promise<string>((resolve, reject) => {
      const req = request(
        hook.url,
        { method: "POST", ca: tls.caCert, headers: { "content-type": "application/json" } },
        (res) => {
          let t = "";
          res.on("data", (c: Buffer) => (t += c));
          res.on("end", () => resolve(t));
        },
      );
      req.on("error", reject);
      req.end(body);
    });
    bare = await startChild("bare", { ...env, BENCH_SAMPLE: sample });
    await load(hook.url, body, { duration: 1 }); // warm-up: JIT, caches
    await load(bare.url, body, { duration: 1 });
    const w = await load(hook.url, body, { duration: 5 });
    const b = await load(bare.url, body, { duration: 5 });
    const rated = await load(hook.url, body, { duration: 5, overallRate: 1000 });
    const f = (n: number) => n.toFixed(1);
    console.log(
      "  payload: denied Deployment (restricted PSS + image rules), warm caches, 16 connections, loopback",
    );
    console.log(
      `  webhook /validate (max)  ${Math.round(w.rps)} req/s  p50 ${f(w.p50)} ms  p99 ${f(w.p99)} ms  errors ${w.errors}`,
    );
    console.log(
      `  bare node:https (max)    ${Math.round(b.rps)} req/s  p50 ${f(b.p50)} ms  p99 ${f(b.p99)} ms  errors ${b.errors}`,
    );
    console.log(
      `  webhook at 1,000 req/s   ${Math.round(rated.rps)} req/s  p50 ${f(rated.p50)} ms  p99 ${f(rated.p99)} ms  errors ${rated.errors}`,
    );
    console.log(
      `  goals: p99 < 5 ms at 1,000 req/s ${rated.p99 < 5 ? "met" : "NOT met"}; rate vs bare ${(w.rps / b.rps).toFixed(2)}x (goal >= 0.5x) ${w.rps >= b.rps / 2 ? "met" : "NOT met"}`,
    );
  } finally {
    rmSync(tls.dir, { recursive: true, force: true });
    for (const c of [hook, bare]) {
      if (!c) continue;
      const exited = new Promise((r) => c.proc.once("exit", r));
      c.proc.kill("SIGTERM");
      await exited;
    }
  }
}

if (CHILD) await child(CHILD);
