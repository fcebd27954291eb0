/**
 * Flags and files the signing verbs (sign, verify, attest, verify-attestation, key) share:
 * `-a key=value` annotations, `-f text|json`, key and predicate files; and the --attest flags of
 * the verbs that attach what they produce as an attestation (sbom, scan).
 */
import type { KeyObject } from "node:crypto";
import { type Command, Option } from "commander";
import { parseSourceRef } from "../image/source-ref.js";
import { parseReference } from "../reference/index.js";
import type { RegistryClient } from "../registry/client.js";
import { type AttestOptions, type AttestResult, attestImage } from "../sign/image-signing.js";
import { readPrivateKey } from "../sign/key-format.js";
import { readPassword } from "../sign/password.js";
import { toCliError, UsageError } from "./errors.js";
import { readInputFile } from "./files.js";

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

/** One line per stored attestation: `attested IMAGE@DIGEST (TYPE) → where it is stored`. */
export function attestedLine(r: AttestResult): string {
  const where = r.stored.tag
    ? `${r.stored.repository}:${r.stored.tag}`
    : `${r.stored.repository}@${r.stored.manifestDigest}`;
  return `attested ${r.image}@${r.digest} (${r.predicateType}) → ${where}\n`;
}

/**
 * Attest `image` with `client` (closed afterwards), library errors as CLI errors; each stored
 * attestation is reported on `out` (sbom and scan write their report to stdout, so stderr).
 */
export async function attestAndReport(
  client: RegistryClient,
  image: string,
  opts: AttestOptions,
  out: NodeJS.WritableStream = process.stderr,
): Promise<AttestResult[]> {
  try {
    const results = await attestImage(client, image, opts);
    for (const r of results) out.write(attestedLine(r));
    return results;
  } catch (err) {
    throw toCliError(err);
  } finally {
    await client.close();
  }
}

/** The flags of verbs that can attach what they produce as an attestation (sbom, scan). */
export interface AttachFlags {
  attest?: boolean;
  key?: string;
  signatureRepo?: string;
  bundle?: boolean;
}

/** --attest (`help` says what it signs), --key, --signature-repo and --bundle. */
export function addAttachOptions(cmd: Command, help: string): Command {
  return cmd
    .option("--attest", help)
    .option("--key <file>", "with --attest: private key, cosign.key (encrypted) or plain PEM")
    .option("--signature-repo <repo>", "with --attest: store the .att tag in this repository")
    .option("--bundle", "with --attest: store a sigstore bundle v0.3 referrer instead of the .att tag");
}

/**
 * Check the --attest flags before any work: the others only with it; it needs --key, then what
 * the verb checks (`check`), then an image in a registry. Returns the registry reference to attest.
 */
export function checkAttachFlags(image: string, flags: AttachFlags, check?: () => void): string | undefined {
  if (!flags.attest) {
    for (const [flag, set] of [
      ["--key", flags.key],
      ["--signature-repo", flags.signatureRepo],
      ["--bundle", flags.bundle],
    ] as const)
      if (set) throw new UsageError(`${flag} is only used with --attest`);
    return undefined;
  }
  if (!flags.key) throw new UsageError("--attest needs --key <cosign.key> to sign the attestation");
  check?.();
  const src = parseSourceRef(image);
  if (src.kind !== "registry")
    throw new UsageError(`--attest needs an image in a registry; ${image} is a ${src.kind} source`);
  return src.ref;
}

/** With --attest, the signing key: its password asked for (and a bad key refused) before the long read. */
export async function attachKey(
  attestRef: string | undefined,
  flags: AttachFlags,
): Promise<KeyObject | undefined> {
  if (!attestRef) return undefined;
  try {
    return await loadPrivateKey(flags.key as string);
  } catch (err) {
    throw toCliError(err);
  }
}

/**
 * Attest exactly the manifest that was read: by its digest in the repository of `attestRef` (a
 * tag that moved meanwhile does not matter); one line per stored attestation on stderr.
 */
export async function attachAttestation(
  client: RegistryClient,
  read: { image: string; attestRef: string; digest?: string },
  flags: AttachFlags,
  opts: Pick<AttestOptions, "privateKey" | "predicateType" | "predicate">,
): Promise<void> {
  if (!read.digest) throw new UsageError(`${read.image}: no manifest digest to attest`);
  let target: string;
  try {
    target = `${parseReference(read.attestRef).name}@${read.digest}`;
  } catch (err) {
    throw toCliError(err);
  }
  await attestAndReport(client, target, {
    ...opts,
    signatureRepo: flags.signatureRepo,
    bundle: flags.bundle,
  });
}
