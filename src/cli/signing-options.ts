/**
 * Flags and files the signing verbs (sign, verify, attest, verify-attestation, key) share:
 * `-a key=value` annotations, `-f text|json`, key and predicate files.
 */
import type { KeyObject } from "node:crypto";
import { Option } from "commander";
import { readPrivateKey } from "../sign/key-format.js";
import { readPassword } from "../sign/password.js";
import { UsageError } from "./errors.js";
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
