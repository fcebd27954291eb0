/**
 * Test support for the signing tests: copies small images from the shared registry environment
 * into fresh repositories under `portcullis-sign-test/` (so each run signs its own copies and
 * never disturbs other tests), with the registry client itself.
 */
import { randomBytes } from "node:crypto";
import { parseReference } from "../../src/reference/index.js";
import type { RegistryClient } from "../../src/registry/client.js";

export async function copyImage(client: RegistryClient, src: string, dst: string): Promise<string> {
  const s = parseReference(src);
  const d = parseReference(dst);
  const m = await client.getManifest(s);
  if (Array.isArray(m.json?.manifests)) {
    for (const child of m.json.manifests as { digest: string }[])
      await copyImage(client, `${s.name}@${child.digest}`, `${d.name}@${child.digest}`);
  } else {
    for (const blob of [m.json.config, ...(m.json.layers ?? [])] as { digest: string }[])
      await client.pushBlob(d, await client.getBlobBytes(s, blob.digest));
  }
  return client.putManifest(d, d.tag ?? d.digest ?? m.digest, m.bytes, m.mediaType);
}

/** A fresh repository name for this run. */
export function freshRepo(registry: string, name: string): string {
  return `${registry}/portcullis-sign-test/${name}-${randomBytes(4).toString("hex")}`;
}
