/**
 * A small HTTP server that speaks just enough of the Distribution API (/v2/, manifests, blobs)
 * to misbehave on purpose: rate limiting, truncated bodies, lying digest headers, slowness,
 * redirects. Each test installs its own route handler; requests are recorded.
 */
import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface RecordedRequest {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  at: number;
}

export type Handler = (req: IncomingMessage, res: ServerResponse, n: number) => void | Promise<void>;

export interface FaultServer {
  address: string;
  requests: RecordedRequest[];
  setHandler(h: Handler): void;
  close(): Promise<void>;
}

export const digestOf = (b: Buffer) => `sha256:${createHash("sha256").update(b).digest("hex")}`;

export const MANIFEST = Buffer.from(
  JSON.stringify({
    schemaVersion: 2,
    mediaType: "application/vnd.oci.image.manifest.v1+json",
    config: {
      mediaType: "application/vnd.oci.image.config.v1+json",
      digest: `sha256:${"a".repeat(64)}`,
      size: 2,
    },
    layers: [],
  }),
);
export const MANIFEST_DIGEST = digestOf(MANIFEST);
export const BLOB = Buffer.alloc(50_000, 0x5a);
export const BLOB_DIGEST = digestOf(BLOB);

/** Serve the manifest correctly (HEAD and GET). */
export function serveManifest(
  req: IncomingMessage,
  res: ServerResponse,
  body = MANIFEST,
  digest = digestOf(body),
): void {
  res.writeHead(200, {
    "content-type": "application/vnd.oci.image.manifest.v1+json",
    "docker-content-digest": digest,
    "content-length": String(body.length),
  });
  res.end(req.method === "HEAD" ? undefined : body);
}

export async function startFaultServer(): Promise<FaultServer> {
  const requests: RecordedRequest[] = [];
  let handler: Handler = (_req, res) => {
    res.writeHead(404);
    res.end();
  };
  let count = 0;
  const server: Server = createServer((req, res) => {
    requests.push({ method: req.method ?? "", url: req.url ?? "", headers: req.headers, at: Date.now() });
    if (req.url === "/v2/") {
      res.writeHead(200, { "content-type": "application/json" });
      res.end("{}");
      return;
    }
    count++;
    void handler(req, res, count);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    address: `127.0.0.1:${port}`,
    requests,
    setHandler(h) {
      handler = h;
      count = 0;
      requests.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
