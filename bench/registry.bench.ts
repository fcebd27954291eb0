/**
 * Registry client throughput: resolves per second (HEAD manifest by tag) against a local
 * docker-registry with token auth and a warm token cache, sequential and with 8 in flight;
 * plus a cold resolve (ping + token + HEAD) for comparison. Starts its own registry with the
 * test support when docker-registry is installed, else uses the shared registry environment.
 */
import { RegistryClient } from "../src/registry/client.js";
import { StaticCredentials } from "../src/registry/credentials.js";
import { pushImage } from "../test/registry/test-images.js";
import { registryEnv } from "../test/support/registry-env.js";
import {
  type RegistryServer,
  SKIP_NO_DOCKER_REGISTRY,
  startRegistry,
} from "../test/support/registry-server.js";

export default async function (): Promise<void> {
  let reg: RegistryServer | undefined;
  let address: string;
  let user = "testuser";
  let password = "testpass";
  let ref: string;
  if (!SKIP_NO_DOCKER_REGISTRY) {
    reg = await startRegistry({ auth: "token" });
    address = reg.address;
    user = reg.user;
    password = reg.password;
    const pusher = new RegistryClient({
      credentials: new StaticCredentials({ [address]: { username: user, password } }),
    });
    await pushImage(pusher, `${address}/bench/app`, "1.0");
    await pusher.close();
    ref = `${address}/bench/app:1.0`;
  } else if (registryEnv?.token) {
    address = registryEnv.token;
    ref = `${address}/portcullis/alpine:3.18`;
  } else {
    console.log("  skipped: no docker-registry and no registry environment");
    return;
  }
  try {
    const creds = new StaticCredentials({ [address]: { username: user, password } });
    // cold: a new client each time (ping, token, HEAD)
    const coldN = 20;
    let t0 = performance.now();
    for (let i = 0; i < coldN; i++) {
      const c = new RegistryClient({ credentials: creds });
      await c.resolve(ref);
      await c.close();
    }
    const coldMs = (performance.now() - t0) / coldN;
    // warm: one client, token cached
    const client = new RegistryClient({ credentials: creds, concurrency: 8 });
    await client.resolve(ref);
    const tokensBefore = reg?.tokenRequests();
    const seqN = 500;
    t0 = performance.now();
    for (let i = 0; i < seqN; i++) await client.resolve(ref);
    const seqS = (performance.now() - t0) / 1000;
    const parN = 2000;
    t0 = performance.now();
    let next = 0;
    await Promise.all(
      Array.from({ length: 8 }, async () => {
        while (next++ < parN) await client.resolve(ref);
      }),
    );
    const parS = (performance.now() - t0) / 1000;
    const extraTokens = reg && tokensBefore !== undefined ? reg.tokenRequests() - tokensBefore : undefined;
    await client.close();
    console.log(
      `  registry: docker-registry 2.8, token auth, ${address}${reg ? " (started by the bench)" : " (registry-env)"}`,
    );
    console.log(`  cold resolve (ping + token + HEAD, new client): ${coldMs.toFixed(1)} ms each`);
    console.log(
      `  warm token cache, sequential: ${(seqN / seqS).toFixed(0)} resolves/s (${seqN} in ${seqS.toFixed(2)} s)`,
    );
    console.log(
      `  warm token cache, 8 in flight: ${(parN / parS).toFixed(0)} resolves/s (${parN} in ${parS.toFixed(2)} s)`,
    );
    if (extraTokens !== undefined) console.log(`  token requests during the warm runs: ${extraTokens}`);
  } finally {
    await reg?.stop();
  }
}
