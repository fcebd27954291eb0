/**
 * The webhook under abuse (issue 15, items 3 and 4), on loopback:
 * 1. Reviews answered per second and their p99 while 1,000 slow connections (TCP, never a TLS
 *    hello; re-opened as the server drops them) are held open from ten other source addresses
 *    (127.0.0.2–11), against the same client with no slow connections.
 * 2. Peak RSS of a server process answering four concurrent reviews of a Pod with 3,000
 *    distinct images on an allowed registry (a stand-in resolver answers each look-up after
 *    2 ms, so the registry costs no memory here), against the memory limit `webhook install`
 *    sets: with the default image cap (denied unchecked) and with the cap raised to 3,000 (all
 *    looked up through the shared bound of 32 look-ups in flight), and whether every answer came
 *    before the deadline.
 */
import { fork } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { Agent, request } from "node:https";
import { type Socket, connect as tcpConnect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { pino } from "pino";
import { MEMORY_LIMIT, MEMORY_LIMIT_BYTES } from "../src/webhook/install.js";
import { startWebhook, type WebhookServer } from "../src/webhook/server.js";

const CHILD = process.env.PORTCULLIS_LIMITS_BENCH_CHILD;
const POLICY = `apiVersion: portcullis.dev/v1alpha1
kind: ImagePolicy
spec:
  rules:
    allowedRegistries: { patterns: ["ghcr.io/acme/**"] }
    vulnerabilities: { maxSeverity: high }
`;

function review(images: number, uid: string): string {
  const containers = Array.from({ length: images }, (_, i) => ({
    name: `c${i}`,
    image: `ghcr.io/acme/app${i}:1.0`,
  }));
  return JSON.stringify({
    apiVersion: "admission.k8s.io/v1",
    kind: "AdmissionReview",
    request: {
      uid,
      kind: { group: "", version: "v1", kind: "Pod" },
      namespace: "apps",
      operation: "CREATE",
      object: { apiVersion: "v1", kind: "Pod", metadata: { name: "p" }, spec: { containers } },
    },
  });
}

function post(server: WebhookServer, agent: Agent, body: string): Promise<{ ms: number; status: number }> {
  const t0 = performance.now();
  return new Promise((resolve, reject) => {
    const req = request(
      `${server.url}/validate`,
      { method: "POST", agent, ca: server.caCert, headers: { "content-type": "application/json" } },
      (res) => {
        res.resume();
        res.on("end", () => resolve({ ms: performance.now() - t0, status: res.statusCode ?? 0 }));
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

const q = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))];

/** Closed-loop client: `concurrency` requests in flight for `seconds`. */
async function drive(server: WebhookServer, seconds: number, concurrency = 8) {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency, localAddress: "127.0.0.1" });
  const body = review(2, "bench");
  await post(server, agent, body); // warm up; the source completes a handshake
  const lat: number[] = [];
  let errors = 0;
  const until = performance.now() + seconds * 1000;
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (performance.now() < until) {
        try {
          const r = await post(server, agent, body);
          if (r.status === 200) lat.push(r.ms);
          else errors++;
        } catch {
          errors++;
        }
      }
    }),
  );
  agent.destroy();
  lat.sort((a, b) => a - b);
  return { rps: lat.length / seconds, p50: q(lat, 0.5), p99: q(lat, 0.99), errors };
}

/** Hold `count` slow connections open from ten loopback aliases, re-opening those dropped. */
function holdSlow(server: WebhookServer, count: number) {
  const url = new URL(server.url);
  let stopped = false;
  let opened = 0;
  const live = new Set<Socket>();
  const open = (i: number) => {
    if (stopped) return;
    const s = tcpConnect({
      host: url.hostname,
      port: Number(url.port),
      localAddress: `127.0.0.${2 + (i % 10)}`,
    });
    opened++;
    live.add(s);
    s.on("error", () => {});
    s.on("close", () => {
      live.delete(s);
      setTimeout(() => open(i), 50);
    });
  };
  for (let i = 0; i < count; i++) open(i);
  return {
    stats: () => ({ opened, live: live.size }),
    stop: () => {
      stopped = true;
      for (const s of live) s.destroy();
    },
  };
}

async function slowConnections(dir: string): Promise<void> {
  writeFileSync(join(dir, "policy.yaml"), POLICY.replace("    vulnerabilities: { maxSeverity: high }\n", ""));
  const server = await startWebhook({
    policyFile: join(dir, "policy.yaml"),
    host: "127.0.0.1",
    port: 0,
    watchIntervalMs: 0,
    tlsDir: join(dir, "tls"),
    logger: pino({ level: "silent" }),
  });
  try {
    const quiet = await drive(server, 3);
    const slow = holdSlow(server, 1000);
    // Until the server has taken them in (at most 896: the rest of the 1,024 is reserved).
    for (let i = 0; i < 50 && server.connections.openConnections < 890; i++)
      await new Promise((r) => setTimeout(r, 100));
    const serverSide = server.connections.openConnections;
    const under = await drive(server, 3);
    const held = slow.stats();
    slow.stop();
    const r = server.connections.refused;
    const f = (n: number) => n.toFixed(2);
    console.log(`  reviews/s, closed loop (8 in flight, keep-alive), 3 s each:`);
    console.log(
      `    no slow connections:       ${Math.round(quiet.rps)} reviews/s  p50 ${f(quiet.p50)} ms  p99 ${f(quiet.p99)} ms  errors ${quiet.errors}`,
    );
    console.log(
      `    1,000 slow connections:    ${Math.round(under.rps)} reviews/s  p50 ${f(under.p50)} ms  p99 ${f(under.p99)} ms  errors ${under.errors}` +
        `  (server held ${serverSide} connections when measuring began; ${held.opened} slow sockets opened in all; refused: ${r.reserved} reserved, ${r.perSource} per source, ${r.full} full)`,
    );
    console.log(
      `  goal: reviews still answered with 1,000 slow connections: ${under.errors === 0 && under.rps > 0 ? "met" : "NOT met"}`,
    );
  } finally {
    await server.close();
  }
}

/** Child: a server with a stand-in resolver; answers four concurrent 3,000-image reviews. */
async function child(): Promise<void> {
  const dir = process.env.BENCH_DIR as string;
  const maxImages = Number(process.env.BENCH_MAX_IMAGES);
  const server = await startWebhook({
    policyFile: join(dir, "policy.yaml"),
    host: "127.0.0.1",
    port: 0,
    watchIntervalMs: 0,
    tlsDir: mkdtempSync(join(dir, "tls-")),
    logger: pino({ level: "info" }, pino.destination({ dest: "/dev/null", sync: false })),
    maxImages,
    inspector: {
      resolveDigest: async (ref) => {
        await new Promise((r) => setTimeout(r, 2));
        return `sha256:${Buffer.from(ref.name).toString("hex").padEnd(64, "0").slice(0, 64)}`;
      },
    },
  });
  const agent = new Agent({ keepAlive: true, maxSockets: 4 });
  const t0 = performance.now();
  const results = await Promise.all([0, 1, 2, 3].map((i) => post(server, agent, review(3000, `big-${i}`))));
  const wall = performance.now() - t0;
  agent.destroy();
  await server.close();
  process.send?.({
    maxRss: process.resourceUsage().maxRSS * 1024,
    slowest: Math.max(...results.map((r) => r.ms)),
    wall,
    deadline: server.deadlineMs,
    statuses: results.map((r) => r.status),
  });
}

async function bigReviews(dir: string): Promise<void> {
  writeFileSync(join(dir, "policy.yaml"), POLICY);
  console.log(
    `  four concurrent reviews of a Pod with 3,000 distinct images (memory limit ${MEMORY_LIMIT}):`,
  );
  for (const [label, maxImages] of [
    ["default cap (100 images)", 100],
    ["cap raised to 3,000", 3000],
  ] as const) {
    const proc = fork(fileURLToPath(import.meta.url), [], {
      env: {
        ...process.env,
        PORTCULLIS_LIMITS_BENCH_CHILD: "1",
        BENCH_DIR: dir,
        BENCH_MAX_IMAGES: String(maxImages),
      },
      execArgv: ["--import", "tsx"],
    });
    const m = await new Promise<{ maxRss: number; slowest: number; deadline: number; statuses: number[] }>(
      (resolve, reject) => {
        proc.once("message", (msg) => resolve(msg as never));
        proc.once("exit", (code) => reject(new Error(`child exited with ${code}`)));
      },
    );
    const mb = (b: number) => `${Math.round(b / 1048576)} MiB`;
    console.log(
      `    ${label.padEnd(26)} peak RSS ${mb(m.maxRss)} (${Math.round((100 * m.maxRss) / MEMORY_LIMIT_BYTES)}% of the limit)  slowest answer ${Math.round(m.slowest)} ms (deadline ${m.deadline} ms)  statuses ${m.statuses.join(",")}` +
        `  goal: under the limit and before the deadline ${m.maxRss < MEMORY_LIMIT_BYTES && m.slowest < m.deadline ? "met" : "NOT met"}`,
    );
  }
}

export default async function (): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), "portcullis-limits-bench-"));
  try {
    await slowConnections(dir);
    await bigReviews(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (CHILD) await child();
