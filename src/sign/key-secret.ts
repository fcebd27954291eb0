/**
 * Public keys from a Kubernetes Secret manifest (YAML or JSON file), as `cosign generate-key-pair
 * k8s://ns/name` stores them: `data["cosign.pub"]` (base64) or `stringData["cosign.pub"]`.
 * Reading a Secret from a live cluster is not done here.
 */
import type { KeyObject } from "node:crypto";
import { readFileSync } from "node:fs";
import { parseAllDocuments } from "yaml";
import { KeyFormatError } from "./errors.js";
import { readPublicKey } from "./key-format.js";

export interface SecretKey {
  name: string;
  key: KeyObject;
}

/** Every `cosign.pub` (or `*.pub`) entry in the Secret(s) of a file. */
export function readKeysFromSecretFile(file: string, entry = "cosign.pub"): SecretKey[] {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new KeyFormatError("KEY_NOT_FOUND", file, `cannot read: ${(err as Error).message}`);
  }
  const out: SecretKey[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length > 0)
      throw new KeyFormatError("KEY_NOT_PEM", file, `not valid YAML: ${doc.errors[0].message}`);
    const obj = doc.toJS() as {
      kind?: string;
      metadata?: { name?: string; namespace?: string };
      data?: Record<string, string>;
      stringData?: Record<string, string>;
    } | null;
    if (obj?.kind !== "Secret") continue;
    const name = `secret ${obj.metadata?.namespace ? `${obj.metadata.namespace}/` : ""}${obj.metadata?.name ?? "?"}`;
    const pem =
      obj.stringData?.[entry] ??
      (obj.data?.[entry] ? Buffer.from(obj.data[entry], "base64").toString("utf8") : undefined);
    if (pem !== undefined)
      out.push({ name: `${name} (${entry})`, key: readPublicKey(pem, `${file}: ${name} ${entry}`) });
  }
  if (out.length === 0)
    throw new KeyFormatError(
      "KEY_NOT_FOUND",
      file,
      `no Secret with a data or stringData entry ${JSON.stringify(entry)}`,
    );
  return out;
}
