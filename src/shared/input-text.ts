/**
 * Turning the bytes of an input file into text, or into an InputError that says why it is not
 * text: binary content (a NUL byte), UTF-16 (a byte-order mark; PowerShell's `>` writes it), or
 * bytes that are not UTF-8 — with the line and column of the first offending byte. Kubernetes
 * and Docker read manifests and Dockerfiles as UTF-8; decoding anything else would silently put
 * U+FFFD where the bytes were (and a tool that writes the file back would corrupt it).
 * A UTF-8 byte-order mark is dropped. Not for parsing (see src/k8s, src/dockerfile).
 */
import { isUtf8 } from "node:buffer";
import type { InputError } from "./types.js";

export type DecodedInput = { text: string; error?: undefined } | { text?: undefined; error: InputError };

/** Offset of the first byte that is not part of valid UTF-8, or -1 when all of it is. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  const n = bytes.length;
  while (i < n) {
    const b = bytes[i];
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let min: number;
    if (b >= 0xc2 && b <= 0xdf) {
      need = 1;
      min = 0x80;
    } else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      min = 0x800;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      min = 0x10000;
    } else return i;
    if (i + need >= n) return i;
    let cp = b & (0xff >> (need + 2));
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) return i;
      cp = (cp << 6) | (c & 0x3f);
    }
    if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return i;
    i += need + 1;
  }
  return -1;
}

function lineColumnAt(bytes: Uint8Array, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset; i++) {
    if (bytes[i] === 0x0a) {
      line++;
      lineStart = i + 1;
    }
  }
  // Column in characters: count the UTF-8 lead bytes before the offset on this line.
  let column = 1;
  for (let i = lineStart; i < offset; i++) if ((bytes[i] & 0xc0) !== 0x80) column++;
  return { line, column };
}

/** Decode one input file's bytes as UTF-8 text; `file` names it in the error. */
export function decodeInputText(bytes: Uint8Array, file: string): DecodedInput {
  if (
    bytes.length >= 2 &&
    ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))
  ) {
    return {
      error: { file, line: 1, column: 1, message: "UTF-16 text (byte-order mark); save the file as UTF-8" },
    };
  }
  const nul = bytes.indexOf(0);
  if (nul >= 0) {
    const at = lineColumnAt(bytes, nul);
    return {
      error: { file, ...at, message: "binary content (a NUL byte), not a text file" },
    };
  }
  const bad = isUtf8(bytes) ? -1 : firstInvalidUtf8(bytes);
  if (bad >= 0) {
    const at = lineColumnAt(bytes, bad);
    const hex = bytes[bad].toString(16).toUpperCase().padStart(2, "0");
    return {
      error: { file, ...at, message: `not UTF-8 text (byte 0x${hex}); save the file as UTF-8` },
    };
  }
  const hasBom = bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf;
  return {
    text: Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("utf8", hasBom ? 3 : 0),
  };
}
