/**
 * The shared wording for rules that need an image look-up (signatures, attestations, scans):
 * what went wrong, or undefined when the verdict is a pass. Missing capability, look-ups turned
 * off and failed look-ups are all reported: none of them is a silent pass.
 */
import type { FactVerdict, ImageCheckInput } from "../rule.js";
import type { KeySource } from "../types.js";

/** A key source in words, for `policy explain`. */
export function keyWords(k: KeySource): string {
  if (k.file) return `the key in ${k.file}`;
  return `the key in Secret ${k.secret?.namespace}/${k.secret?.name} (entry ${k.secret?.key ?? "cosign.pub"})`;
}

export function lookupProblem(
  input: ImageCheckInput,
  what: string,
  verdict: FactVerdict | undefined,
): string | undefined {
  const { subject, image } = input;
  if (!input.lookups) {
    return `${subject} uses image ${image}: its ${what} was not verified because image look-ups are off (run portcullis check with --images)`;
  }
  if (verdict?.unavailable) return `${subject} uses image ${image}: ${verdict.message}`;
  if (input.facts?.digestError && (input.facts.notLookedUp || !input.ref.digest)) {
    return `${subject} uses image ${image}: cannot check its ${what}: ${input.facts.digestError}`;
  }
  if (!verdict) return `${subject} uses image ${image}: its ${what} could not be checked in time`;
  if (!verdict.ok) return `${subject} uses image ${image}: ${verdict.message}`;
  return undefined;
}
