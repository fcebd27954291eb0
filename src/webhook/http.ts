/**
 * The HTTP plumbing the webhook's routes share: JSON answers in one write, a JSON body parser
 * that refuses prototype-poisoning keys, and a bounded body reader.
 */
import type { IncomingMessage, ServerResponse } from "node:http";

export const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json\s*(?:;|$)/i;

/** Answer with a JSON body in one write (headers and body together). */
export function sendJson(res: ServerResponse, status: number, body: unknown, close = false): void {
  const data = Buffer.from(JSON.stringify(body), "utf8");
  const headers: Record<string, string | number> = {
    "content-type": "application/json; charset=utf-8",
    "content-length": data.length,
  };
  if (close) headers.connection = "close";
  res.writeHead(status, headers);
  res.end(data);
}

/** Escapes or the two names that can poison prototypes: only then is the slower checked parse needed. */
const SUSPECT_JSON = /\\u|__proto__|"constructor"/;

/**
 * JSON.parse that refuses `__proto__` keys and `constructor.prototype` (as fastify's parser did),
 * checking keys only when the text could hold one (escaped or plain).
 */
export function parseJson(text: string): unknown {
  if (text.length === 0) throw new SyntaxError("the body is empty");
  if (!SUSPECT_JSON.test(text)) return JSON.parse(text);
  return JSON.parse(text, (key, value: unknown) => {
    if (key === "__proto__") throw new SyntaxError("object contains a forbidden __proto__ property");
    if (
      key === "constructor" &&
      value !== null &&
      typeof value === "object" &&
      Object.hasOwn(value, "prototype")
    )
      throw new SyntaxError("object contains a forbidden constructor.prototype property");
    return value;
  });
}

/** Why a body could not be read: status and reason for the 4xx answer. */
export interface BodyFailure {
  status: number;
  reason: string;
}

/**
 * Read a request body of at most `limit` bytes: `done(text)` once, or `fail` once (413 when it
 * is too large; nothing when the client went away).
 */
export function readBody(
  req: IncomingMessage,
  limit: number,
  done: (text: string) => void,
  fail: (why: BodyFailure | undefined) => void,
): void {
  const tooLarge = { status: 413, reason: `request body is larger than ${limit} bytes` };
  if (Number(req.headers["content-length"] ?? 0) > limit) {
    fail(tooLarge);
    return;
  }
  const chunks: Buffer[] = [];
  let size = 0;
  let failed = false;
  req.on("data", (chunk: Buffer) => {
    if (failed) return;
    size += chunk.length;
    if (size > limit) {
      failed = true;
      fail(tooLarge);
      return;
    }
    chunks.push(chunk);
  });
  req.on("error", () => {
    if (failed) return;
    failed = true; // the client went away; nothing to answer
    fail(undefined);
  });
  req.on("end", () => {
    if (failed) return;
    done((chunks.length === 1 ? chunks[0] : Buffer.concat(chunks)).toString("utf8"));
  });
}
