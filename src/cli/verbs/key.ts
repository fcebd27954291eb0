/**
 * `portcullis key generate|import|public`: cosign-compatible key files. `generate` writes
 * cosign.key (ECDSA P-256, `ENCRYPTED SIGSTORE PRIVATE KEY`) and cosign.pub (PKIX PEM), both 0600;
 * `import` encrypts a plain PEM EC, RSA or Ed25519 key into the same format; `public` prints the
 * public key of a private key.
 */
import { createPublicKey } from "node:crypto";
import type { Command } from "commander";
import { checkKeyPath, KeyFileError, keyFileExists, writeKeyFile } from "../../sign/key-files.js";
import {
  encryptPrivateKey,
  generateSigningKey,
  keyFingerprint,
  publicKeyPem,
  readPrivateKey,
} from "../../sign/key-format.js";
import { readNewPassword, readPassword } from "../../sign/password.js";
import { toCliError, UsageError } from "../errors.js";
import { loadPrivateKey, readTextFile } from "../signing-options.js";

function writeKeyPair(prefix: string, privatePem: string, publicPem: string, force?: boolean): void {
  for (const f of [`${prefix}.key`, `${prefix}.pub`])
    if (keyFileExists(f) && !force) throw new UsageError(`${f} exists; remove it or pass --force`);
  try {
    for (const f of [`${prefix}.key`, `${prefix}.pub`]) checkKeyPath(f);
    writeKeyFile(`${prefix}.key`, privatePem, 0o600);
    writeKeyFile(`${prefix}.pub`, publicPem, 0o600);
  } catch (err) {
    if (err instanceof KeyFileError) throw new UsageError(err.message);
    throw err;
  }
}

export function register(program: Command): void {
  const key = program
    .command("key")
    .description("generate, import and inspect cosign-compatible signing keys")
    .addHelpText(
      "after",
      `
Examples:
  PORTCULLIS_PASSWORD=… portcullis key generate                  # cosign.key + cosign.pub
  portcullis key generate --output-key-prefix release            # release.key + release.pub
  portcullis key import ec-private.pem --output-key-prefix imported
  portcullis key public --key cosign.key > cosign.pub`,
    );

  key
    .command("generate")
    .description("write <prefix>.key (encrypted ECDSA P-256, as cosign generate-key-pair) and <prefix>.pub")
    .option("--output-key-prefix <prefix>", "file name prefix", "cosign")
    .option("--force", "overwrite existing files")
    .addHelpText(
      "after",
      `
The password comes from PORTCULLIS_PASSWORD or COSIGN_PASSWORD, else it is asked twice on the
terminal. Both files are created with mode 0600; existing files are kept unless --force.

Examples:
  portcullis key generate                                    cosign.key + cosign.pub
  PORTCULLIS_PASSWORD="$(cat pw)" portcullis key generate --output-key-prefix release`,
    )
    .action(async (flags: { outputKeyPrefix: string; force?: boolean }) => {
      try {
        const password = await readNewPassword(`${flags.outputKeyPrefix}.key`);
        const { privateKey, publicKey } = generateSigningKey();
        writeKeyPair(
          flags.outputKeyPrefix,
          await encryptPrivateKey(privateKey, password),
          publicKeyPem(publicKey),
          flags.force,
        );
        process.stdout.write(
          `wrote ${flags.outputKeyPrefix}.key and ${flags.outputKeyPrefix}.pub (${keyFingerprint(publicKey)})\n`,
        );
      } catch (err) {
        throw toCliError(err);
      }
    });

  key
    .command("import")
    .description("encrypt a plain PEM EC, RSA or Ed25519 private key into the cosign.key format")
    .argument("<file>", "PEM private key (EC PRIVATE KEY, PRIVATE KEY or RSA PRIVATE KEY)")
    .option("--output-key-prefix <prefix>", "file name prefix", "import-cosign")
    .option("--force", "overwrite existing files")
    .addHelpText(
      "after",
      `
The password of the new key comes from PORTCULLIS_PASSWORD or COSIGN_PASSWORD, else a prompt.

Examples:
  portcullis key import ec-private.pem                       import-cosign.key + import-cosign.pub
  portcullis key import rsa.pem --output-key-prefix release --force`,
    )
    .action(async (file: string, flags: { outputKeyPrefix: string; force?: boolean }) => {
      try {
        const text = readTextFile(file, "key");
        const privateKey = await readPrivateKey(text, file, () => readPassword(file));
        const password = await readNewPassword(`${flags.outputKeyPrefix}.key`);
        writeKeyPair(
          flags.outputKeyPrefix,
          await encryptPrivateKey(privateKey, password),
          publicKeyPem(privateKey),
          flags.force,
        );
        process.stdout.write(
          `wrote ${flags.outputKeyPrefix}.key and ${flags.outputKeyPrefix}.pub (${keyFingerprint(createPublicKey(privateKey))})\n`,
        );
      } catch (err) {
        throw toCliError(err);
      }
    });

  key
    .command("public")
    .description("print the public key (PKIX PEM) of a private key")
    .requiredOption("--key <file>", "cosign.key or plain PEM private key")
    .addHelpText(
      "after",
      `
Examples:
  portcullis key public --key cosign.key > cosign.pub
  PORTCULLIS_PASSWORD=… portcullis key public --key release.key`,
    )
    .action(async (flags: { key: string }) => {
      try {
        process.stdout.write(publicKeyPem(await loadPrivateKey(flags.key)));
      } catch (err) {
        throw toCliError(err);
      }
    });
}
