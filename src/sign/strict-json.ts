/**
 * Ambiguity checks for signed JSON documents. A signature covers bytes, but what those bytes
 * *say* depends on the parser: JSON.parse matches object keys exactly, while Go's encoding/json
 * (cosign, policy-controller, in-toto-golang) matches struct fields case-insensitively, with
 * Unicode simple folding (`ſ` is `s`, the Kelvin sign is `k`). A payload holding both
 * `critical` and `Critical` therefore names one digest here and another there. Such a document
 * is never produced by an honest signer, so it is refused. Not a JSON parser.
 */

/** Go-like case folding of a key (lower case after upper case maps `ſ` to `s`, `K` to `k`). */
function fold(key: string): string {
  return key.toUpperCase().toLowerCase();
}

/** The first pair of keys of `obj` that a case-insensitive decoder reads as one, if any. */
export function ambiguousKeys(obj: Record<string, unknown>): [string, string] | undefined {
  const seen = new Map<string, string>();
  for (const k of Object.keys(obj)) {
    const f = fold(k);
    const prev = seen.get(f);
    if (prev !== undefined) return [prev, k];
    seen.set(f, k);
  }
  return undefined;
}

/** A message for the first ambiguous object among `objects` (named by path), or undefined. */
export function ambiguity(objects: [string, unknown][]): string | undefined {
  for (const [where, o] of objects) {
    if (o === null || typeof o !== "object" || Array.isArray(o)) continue;
    const pair = ambiguousKeys(o as Record<string, unknown>);
    if (pair)
      return `ambiguous ${where}: keys ${JSON.stringify(pair[0])} and ${JSON.stringify(pair[1])} are the same field to a case-insensitive decoder (cosign reads the other one)`;
  }
  return undefined;
}
