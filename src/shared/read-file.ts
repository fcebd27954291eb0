/**
 * Reading a named input file (ignore file, VEX document, key file, Dockerfile) as UTF-8 text,
 * with one wording for why it could not be read: "no such file", else the system's message.
 * The caller's error type and context come from `fail`. Not for decoding checks (input-text.ts).
 */
import { readFileSync } from "node:fs";

export function readFileOr(path: string, fail: (why: string) => Error): string {
  try {
    return readFileSync(path, "utf8");
  } catch (err) {
    throw fail((err as NodeJS.ErrnoException).code === "ENOENT" ? "no such file" : (err as Error).message);
  }
}
