/**
 * Where the policy's verification keys come from (spec.rules.signatures.keys[].key and
 * spec.rules.attestations.require[].key): reading a key source into trusted public keys, with
 * names for messages. Not for verifying anything (verification.ts) and not for caching
 * (the inspector caches keys briefly, so a rotated key file or Secret is picked up).
 *
 * - `file: F` — a public key PEM (cosign.pub, a certificate, or a plain private key PEM), or a
 *   Kubernetes Secret manifest holding `cosign.pub` (read with src/sign's Secret support).
 *   Relative paths are resolved against the policy file's folder.
 * - `secret: { namespace, name, key }` — the Secret as a file, looked up in the secret folders:
 *   each folder D (InspectorOptions.secretsDirs, then $PORTCULLIS_SECRETS_DIR, then `secrets/`
 *   next to the policy file) may hold `D/<namespace>/<name>/<key>` (the layout of a mounted
 *   Secret volume: one file per entry) or a manifest `D/<namespace>/<name>.yaml|.yml|.json`.
 *   Nothing is read from a live cluster.
 */
import type { KeyObject } from "node:crypto";
import { existsSync, readFileSync, statSync } from "node:fs";
import { delimiter, join, resolve } from "node:path";
import { readFileOr } from "../shared/read-file.js";
import { keyFingerprint, readPublicKey } from "../sign/key-format.js";
import { readKeysFromSecretFile } from "../sign/key-secret.js";
import type { KeySource } from "./types.js";

export const DEFAULT_SECRET_ENTRY = "cosign.pub";

export interface PolicyKey {
  /** How the policy names it (file as written, or Secret ns/name (entry)), for messages. */
  name: string;
  key: KeyObject;
  /** sha256 of the SubjectPublicKeyInfo: what verdict caches are keyed by. */
  fingerprint: string;
}

export class KeySourceError extends Error {
  override readonly name = "KeySourceError";
}

/** A key source in words, as the policy names it. */
export function describeKeySource(src: KeySource): string {
  if (src.file) return src.file;
  const s = src.secret;
  return `Secret ${s?.namespace}/${s?.name} (${s?.key ?? DEFAULT_SECRET_ENTRY})`;
}

/** The folders searched for Secrets, in order. */
export function secretFolders(baseDir: string, configured?: string[]): string[] {
  const fromEnv = (process.env.PORTCULLIS_SECRETS_DIR ?? "").split(delimiter).filter(Boolean);
  return [...(configured ?? []), ...fromEnv, join(baseDir, "secrets")].map((d) => resolve(baseDir, d));
}

function looksLikeSecretManifest(text: string): boolean {
  return /^kind:\s*["']?Secret["']?\s*$/m.test(text) || /"kind"\s*:\s*"Secret"/.test(text);
}

function withFingerprints(keys: { name: string; key: KeyObject }[]): PolicyKey[] {
  return keys.map((k) => ({ ...k, fingerprint: keyFingerprint(k.key) }));
}

/** Read a key file (PEM or Secret manifest). Throws KeySourceError naming the file and why. */
export function readKeyFile(file: string, baseDir: string, shownAs = file): PolicyKey[] {
  const path = resolve(baseDir, file);
  const text = readFileOr(path, (why) => new KeySourceError(`key file ${shownAs} (${path}): ${why}`));
  try {
    if (looksLikeSecretManifest(text)) {
      return withFingerprints(
        readKeysFromSecretFile(path).map((k) => ({ name: `${shownAs}: ${k.name}`, key: k.key })),
      );
    }
    return withFingerprints([{ name: shownAs, key: readPublicKey(text, shownAs) }]);
  } catch (err) {
    throw new KeySourceError(`key file ${shownAs}: ${(err as Error).message.replace(`${shownAs}: `, "")}`);
  }
}

function readSecret(
  secret: NonNullable<KeySource["secret"]>,
  baseDir: string,
  secretsDirs?: string[],
): PolicyKey[] {
  const entry = secret.key ?? DEFAULT_SECRET_ENTRY;
  const shown = `Secret ${secret.namespace}/${secret.name} (${entry})`;
  const looked: string[] = [];
  for (const dir of secretFolders(baseDir, secretsDirs)) {
    const mounted = join(dir, secret.namespace, secret.name, entry);
    looked.push(mounted);
    if (existsSync(mounted) && statSync(mounted).isFile()) {
      try {
        return withFingerprints([
          { name: shown, key: readPublicKey(readFileSync(mounted, "utf8"), mounted) },
        ]);
      } catch (err) {
        throw new KeySourceError(`${shown}: ${(err as Error).message}`);
      }
    }
    for (const ext of [".yaml", ".yml", ".json"]) {
      const manifest = join(dir, secret.namespace, `${secret.name}${ext}`);
      looked.push(manifest);
      if (!existsSync(manifest)) continue;
      let keys: ReturnType<typeof readKeysFromSecretFile>;
      try {
        keys = readKeysFromSecretFile(manifest, entry);
      } catch (err) {
        throw new KeySourceError(`${shown}: ${(err as Error).message}`);
      }
      // The manifest must be that Secret (a missing namespace is taken from the folder).
      const mine = keys.filter(
        (k) =>
          k.name === `secret ${secret.namespace}/${secret.name} (${entry})` ||
          k.name === `secret ${secret.name} (${entry})`,
      );
      if (!mine.length)
        throw new KeySourceError(
          `${shown}: ${manifest} holds no Secret named ${secret.namespace}/${secret.name} with entry ${entry}`,
        );
      return withFingerprints(mine.map((k) => ({ name: shown, key: k.key })));
    }
  }
  throw new KeySourceError(
    `${shown} not found (Secrets are read from files, not from a cluster; looked for ${looked.join(", ")}; pass --secrets-dir or set PORTCULLIS_SECRETS_DIR to the folder where the Secret is mounted)`,
  );
}

/** The trusted keys of one key source. Throws KeySourceError with a reason a user can act on. */
export function loadKeySource(src: KeySource, baseDir: string, secretsDirs?: string[]): PolicyKey[] {
  if (src.file) return readKeyFile(src.file, baseDir);
  if (src.secret) return readSecret(src.secret, baseDir, secretsDirs);
  throw new KeySourceError("key source names neither a file nor a secret");
}
