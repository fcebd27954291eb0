/**
 * The registry test environment made by /work/shared/env/setup-registry-env.sh (run by .ci/run):
 * real docker-registry servers on 127.0.0.1, images built without a Docker engine, a cosign-format
 * key and signature. Settings come from PORTCULLIS_TEST_* variables, or from the env.sh that the
 * script wrote under $PORTCULLIS_TEST_ENV (default /tmp/portcullis-env). Tests that need it skip
 * with SKIP_NO_REGISTRY_ENV when it is absent.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

export interface RegistryEnv {
  /** Directory the setup script wrote (env.json, oci/, keys/, bin/, certs/). */
  dir: string;
  plain: string;
  basic: string;
  tls: string;
  tlsBasic: string;
  token: string;
  user: string;
  password: string;
  caFile: string;
  ociLayout: string;
  cosignKey: string;
  cosignPub: string;
  cosignPassword: string;
  /** The independent cosign-format signer (python3 script). */
  cosignCompat: string;
  /** Parsed env.json (images and their digests, signing details). */
  json: Record<string, unknown>;
}

function fromEnvSh(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const file = join(dir, "env.sh");
  if (!existsSync(file)) return out;
  for (const line of readFileSync(file, "utf8").split("\n")) {
    const m = /^export (\w+)=(.*)$/.exec(line.trim());
    if (m) out[m[1]] = m[2];
  }
  return out;
}

export const registryEnv: RegistryEnv | undefined = (() => {
  const dir = process.env.PORTCULLIS_TEST_ENV ?? "/tmp/portcullis-env";
  const vars = { ...fromEnvSh(dir), ...process.env } as Record<string, string | undefined>;
  if (!vars.PORTCULLIS_TEST_REGISTRY || !existsSync(join(dir, "env.json"))) return undefined;
  return {
    dir,
    plain: vars.PORTCULLIS_TEST_REGISTRY,
    basic: vars.PORTCULLIS_TEST_REGISTRY_BASIC ?? "",
    tls: vars.PORTCULLIS_TEST_REGISTRY_TLS ?? "",
    tlsBasic: vars.PORTCULLIS_TEST_REGISTRY_TLS_BASIC ?? "",
    token: vars.PORTCULLIS_TEST_REGISTRY_TOKEN ?? "",
    user: vars.PORTCULLIS_TEST_REGISTRY_USER ?? "",
    password: vars.PORTCULLIS_TEST_REGISTRY_PASSWORD ?? "",
    caFile: vars.PORTCULLIS_TEST_CA ?? join(dir, "certs", "ca.crt"),
    ociLayout: vars.PORTCULLIS_TEST_OCI_LAYOUT ?? join(dir, "oci"),
    cosignKey: vars.PORTCULLIS_TEST_COSIGN_KEY ?? join(dir, "keys", "cosign.key"),
    cosignPub: vars.PORTCULLIS_TEST_COSIGN_PUB ?? join(dir, "keys", "cosign.pub"),
    cosignPassword: vars.PORTCULLIS_TEST_COSIGN_PASSWORD ?? "",
    cosignCompat: join(dir, "bin", "cosign_compat.py"),
    json: JSON.parse(readFileSync(join(dir, "env.json"), "utf8")) as Record<string, unknown>,
  };
})();

export const SKIP_NO_REGISTRY_ENV =
  "skipped: registry test environment not found (run /work/shared/env/setup-registry-env.sh /tmp/portcullis-env 35000, as .ci/run does)";
