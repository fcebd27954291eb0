/**
 * Test helpers for the webhook: start a real server (HTTPS, generated certificate) and send
 * real HTTPS requests that trust only its CA.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { request } from "node:https";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { pino } from "pino";
import { startWebhook, type WebhookOptions, type WebhookServer } from "../../src/webhook/server.js";

export interface HttpResult {
  status: number;
  body: unknown;
  text: string;
}

export function send(
  server: WebhookServer,
  path: string,
  body: unknown,
  method = "POST",
): Promise<HttpResult> {
  const url = new URL(path, server.url);
  const payload = typeof body === "string" ? body : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method,
        ca: server.caCert,
        headers:
          method === "POST"
            ? { "content-type": "application/json", "content-length": Buffer.byteLength(payload) }
            : {},
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          const text = Buffer.concat(chunks).toString("utf8");
          let parsed: unknown;
          try {
            parsed = JSON.parse(text);
          } catch {
            parsed = undefined;
          }
          resolve({ status: res.statusCode ?? 0, body: parsed, text });
        });
      },
    );
    req.on("error", reject);
    if (method === "POST") req.end(payload);
    else req.end();
  });
}

/** Log lines the server wrote (parsed JSON). */
export class LogCapture {
  readonly lines: Record<string, unknown>[] = [];
  readonly logger = pino(
    { level: "debug" },
    new Writable({
      write: (chunk: Buffer, _enc, cb) => {
        for (const l of chunk.toString("utf8").split("\n"))
          if (l.trim()) this.lines.push(JSON.parse(l) as Record<string, unknown>);
        cb();
      },
    }),
  );
  find(msg: string | RegExp): Record<string, unknown> | undefined {
    return this.lines.find((l) => (typeof msg === "string" ? l.msg === msg : msg.test(String(l.msg))));
  }
}

export async function startTestWebhook(
  opts: Partial<WebhookOptions> & { policyFile: string },
): Promise<{ server: WebhookServer; logs: LogCapture }> {
  const logs = new LogCapture();
  const tlsDir = mkdtempSync(join(tmpdir(), "portcullis-test-tls-"));
  try {
    const server = await startWebhook({
      host: "127.0.0.1",
      port: 0,
      watchIntervalMs: 0,
      logger: logs.logger,
      tlsDir,
      ...opts,
    });
    const close = server.close;
    server.close = async () => {
      await close();
      rmSync(tlsDir, { recursive: true, force: true });
    };
    return { server, logs };
  } catch (err) {
    rmSync(tlsDir, { recursive: true, force: true });
    throw err;
  }
}

let uid = 0;
export function admissionReview(
  obj: Record<string, unknown>,
  extra: { operation?: string; dryRun?: boolean; namespace?: string } = {},
): Record<string, unknown> {
  const md = (obj.metadata ?? {}) as { namespace?: string; name?: string };
  return {
    apiVersion: "admission.k8s.io/v1",
    kind: "AdmissionReview",
    request: {
      uid: `test-${++uid}`,
      kind: { group: "", version: "v1", kind: obj.kind },
      namespace: extra.namespace ?? md.namespace ?? "default",
      name: md.name,
      operation: extra.operation ?? "CREATE",
      userInfo: { username: "tester" },
      object: obj,
      oldObject: extra.operation === "UPDATE" ? obj : null,
      dryRun: extra.dryRun ?? false,
    },
  };
}

export interface ReviewResponse {
  uid: string;
  allowed: boolean;
  status?: { code: number; message: string };
  warnings?: string[];
  patchType?: string;
  patch?: string;
  auditAnnotations?: Record<string, string>;
}

export function responseOf(r: HttpResult): ReviewResponse {
  return (r.body as { response: ReviewResponse }).response;
}

export function decodePatch(resp: ReviewResponse): { op: string; path: string; value: unknown }[] {
  return resp.patch
    ? (JSON.parse(Buffer.from(resp.patch, "base64").toString("utf8")) as {
        op: string;
        path: string;
        value: unknown;
      }[])
    : [];
}
