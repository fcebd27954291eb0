/**
 * `portcullis sign --key cosign.key IMAGE`: sign an image the way cosign does (simple-signing
 * payload at tag `sha256-<hex>.sig`, or a sigstore bundle referrer with --bundle). Also home of
 * the helpers the key/verify/attest verbs share (reading keys, -a annotations, error mapping).
 */

import type { KeyObject } from "node:crypto";
import { type Command, Option } from "commander";
import { InvalidReferenceError } from "../../reference/index.js";
import { isRegistryError } from "../../registry/errors.js";
import { KeyFormatError, SignatureFormatError } from "../../sign/errors.js";
import { signImage } from "../../sign/image-signing.js";
import { readPrivateKey } from "../../sign/key-format.js";
import { readPassword } from "../../sign/password.js";
import { OperationalError, UsageError } from "../errors.js";
import { readInputFile } from "../files.js";
import { addRegistryOptions, clientFromFlags, type RegistryFlags } from "./resolve.js";

export const collect = (value: string, previous: string[] | undefined) => [...(previous ?? []), value];

/** `-a key=value` pairs → an object; a malformed pair is a usage error. */
export function parseAnnotations(pairs: string[] | undefined): Record<string, string> | undefined {
  if (!pairs?.length) return undefined;
  const out: Record<string, string> = {};
  for (const p of pairs) {
    const i = p.indexOf("=");
    if (i <= 0) throw new UsageError(`-a ${JSON.stringify(p)}: expected key=value`);
    out[p.slice(0, i)] = p.slice(i + 1);
  }
  return out;
}

/** `-f text|json` of the signing verbs (`table` is accepted as another name for text). */
export function textFormatOption(): Option {
  return new Option("-f, --format <format>", "output: text (human-readable) or json")
    .choices(["text", "table", "json"])
    .default("text");
}

/** A key, certificate or predicate file named by a flag; `-` is standard input when `stdin` is set. */
export function readTextFile(file: string, what: string, opts: { stdin?: boolean } = {}): string {
  return readInputFile(file, what, opts);
}

export async function loadPrivateKey(file: string): Promise<KeyObject> {
  const text = readTextFile(file, "key");
  return readPrivateKey(text, file, () => readPassword(file));
}

/** Map library errors to CLI exit codes: key/format problems 2, registry failures 3. */
export function cliError(err: unknown): unknown {
  if (
    err instanceof KeyFormatError ||
    err instanceof SignatureFormatError ||
    err instanceof InvalidReferenceError
  )
    return new UsageError(err.message);
  if (isRegistryError(err)) return new OperationalError(err.message);
  return err;
}

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
      collect,
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
      throw cliError(err);
    } finally {
      await client.close();
    }
  });
}
