/**
 * Signature verification throughput: full `verifyImage` round trips (resolve, .sig tag, payload
 * blob, referrers fallback, crypto) against the local registry with a warm client (pooled
 * connections), and the offline policy check alone (ECDSA P-256 verify + claims).
 */
import { createHash } from "node:crypto";
import { RegistryClient } from "../src/registry/client.js";
import { generateSigningKey, signImage, verifyImage } from "../src/sign/index.js";
import { signBytes } from "../src/sign/signature-algorithm.js";
import { buildSimpleSigningPayload, SIMPLE_SIGNING_MEDIA_TYPE } from "../src/sign/simple-signing.js";
import { SIGNATURE_ANNOTATION, verifySignatureLayer } from "../src/sign/verify-policy.js";
import { copyImage, freshRepo } from "../test/sign/registry-fixture.js";
import { registryEnv } from "../test/support/registry-env.js";

async function rate(
  seconds: number,
  fn: () => Promise<unknown> | unknown,
): Promise<{ n: number; perSec: number }> {
  const end = performance.now() + seconds * 1000;
  const start = performance.now();
  let n = 0;
  while (performance.now() < end) {
    await fn();
    n++;
  }
  return { n, perSec: n / ((performance.now() - start) / 1000) };
}

export default async function (): Promise<void> {
  const { privateKey, publicKey } = generateSigningKey();
  const policy = { keys: [{ name: "bench.pub", key: publicKey }] };

  const digest = `sha256:${"c".repeat(64)}`;
  const payload = buildSimpleSigningPayload({
    dockerReference: "registry.example.com/app",
    manifestDigest: digest,
  });
  const layer = {
    source: "bench",
    mediaType: SIMPLE_SIGNING_MEDIA_TYPE,
    payload,
    declaredDigest: `sha256:${createHash("sha256").update(payload).digest("hex")}`,
    annotations: { [SIGNATURE_ANNOTATION]: signBytes(privateKey, payload).toString("base64") },
  };
  const offline = await rate(2, () => {
    if (!verifySignatureLayer(layer, { reference: "registry.example.com/app:1", digest }, policy).verified)
      throw new Error("offline verification failed");
  });
  console.log(`  offline signature-layer checks: ${offline.perSec.toFixed(0)}/s (${offline.n} in 2 s)`);

  if (!registryEnv) {
    console.log("  registry verification: skipped (no registry test environment)");
    return;
  }
  const client = new RegistryClient();
  try {
    const image = `${freshRepo(registryEnv.plain, "bench")}:1`;
    await copyImage(client, `${registryEnv.plain}/portcullis/alpine:3.18`, image);
    await signImage(client, image, { privateKey });
    const [first] = await verifyImage(client, image, { policy }); // warms connections
    if (!first.verified) throw new Error("bench image does not verify");
    const warm = await rate(5, async () => {
      const [r] = await verifyImage(client, image, { policy });
      if (!r.verified) throw new Error("verification failed during bench");
    });
    console.log(
      `  verify against ${registryEnv.plain} (warm client, tag → digest → .sig → payload → referrers fallback): ${warm.perSec.toFixed(1)} verifications/s (${warm.n} in 5 s)`,
    );
  } finally {
    await client.close();
  }
}
