/**
 * `portcullis sign --key cosign.key IMAGE`: sign an image the way cosign does (simple-signing
 * payload at tag `sha256-<hex>.sig`, or a sigstore bundle referrer with --bundle).
 */

import type { Command } from "commander";
import { signImage } from "../../sign/image-signing.js";
import { toCliError } from "../errors.js";
import { repeatable } from "../option-values.js";
import { addRegistryOptions, clientFromFlags, type RegistryFlags } from "../registry-options.js";
import { loadPrivateKey, parseAnnotations, textFormatOption } from "../signing-options.js";

interface SignFlags extends RegistryFlags {
  key: string;
  annotation?: string[];
  signatureRepo?: string;
  bundle?: boolean;
  recursive?: boolean;
  format?: string;
}

export function register(program: Command): void {
  const cmd = program
    .command("sign")
    .description("sign an image with a cosign-compatible key; the signature is stored in the registry")
    .argument("<image>", "image reference (tag or digest); it is resolved to a digest before signing")
    .requiredOption("--key <file>", "private key: cosign.key (encrypted) or a plain PEM EC/RSA/Ed25519 key")
    .option(
      "-a, --annotation <key=value>",
      "annotation signed into the payload's `optional` (repeatable)",
      repeatable,
    )
    .option("--signature-repo <repo>", "store signatures in this repository instead of the image's")
    .option(
      "--bundle",
      "write a sigstore bundle v0.3 as an OCI referrer (cosign v3 layout) instead of the .sig tag",
    )
    .option("--recursive", "for a multi-platform index, also sign every platform manifest")
    .addOption(textFormatOption());
  addRegistryOptions(cmd);
  cmd.addHelpText(
    "after",
    `
The password of an encrypted key comes from PORTCULLIS_PASSWORD or COSIGN_PASSWORD, else a
prompt on the terminal. Signatures are appended to those already stored.

Examples:
  portcullis key generate
  portcullis sign --key cosign.key registry.example.com/team/app:1.4
  portcullis sign --key cosign.key -a git-sha=1f2e3d -a env=prod registry.example.com/team/app:1.4
  portcullis sign --key cosign.key --signature-repo registry.example.com/team/signatures app:1.4
  portcullis sign --key cosign.key --bundle --recursive registry.example.com/team/app:1.4

Exit codes: 0 signed, 2 bad usage or unreadable key, 3 registry failure.`,
  );
  cmd.action(async (image: string, flags: SignFlags) => {
    const annotations = parseAnnotations(flags.annotation);
    const client = clientFromFlags(flags);
    try {
      const key = await loadPrivateKey(flags.key);
      const results = await signImage(client, image, {
        privateKey: key,
        annotations,
        signatureRepo: flags.signatureRepo,
        bundle: flags.bundle,
        recursive: flags.recursive,
      });
      if (flags.format === "json") process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
      else
        for (const r of results) {
          const where = r.stored.tag
            ? `${r.stored.repository}:${r.stored.tag}`
            : `${r.stored.repository}@${r.stored.manifestDigest}`;
          const note = r.stored.added ? "" : " (already present)";
          process.stdout.write(`signed ${r.image}@${r.digest} → ${where}${note}\n`);
        }
    } catch (err) {
      throw toCliError(err);
    } finally {
      await client.close();
    }
  });
}
