/**
 * Flags and files the signing verbs (sign, verify, attest, verify-attestation, key) share:
 * `-a key=value` annotations, `-f text|json`, key and predicate files.
 */
import type { KeyObject } from "node:crypto";
import { Option } from "commander";
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
