/**
 * A bounded cache of parsed image references for the hot paths that see the same image text
 * over and over: the admission webhook (every replica, rollout and retry of a workload names
 * the same images) and the policy engine behind `portcullis check`. Parsing one reference costs
 * about a microsecond and a kilobyte of garbage; a hit costs a map look-up.
 *
 * Keyed by the text exactly as written. Only successful parses are kept (a failure is rare and
 * its error names the input and a position, so it is parsed afresh). References are frozen
 * before they are shared, so no caller can change another's. Bounded: when it holds
 * MAX_ENTRIES references the oldest is dropped, so a stream of distinct names (anyone who can
 * create pods chooses them) costs at most that many small objects.
 */
import { parseReference } from "./parse.js";
import type { Reference } from "./reference.js";

const MAX_ENTRIES = 2048;

const strictReferences = new Map<string, Reference>();

/**
 * `parseReference(image, { strictHost: true })`, the parse every policy check uses, from the
 * cache when this text was parsed before. Throws InvalidReferenceError like parseReference.
 */
export function parseImageReference(image: string): Reference {
  const hit = strictReferences.get(image);
  if (hit) return hit;
  const ref = parseReference(image, { strictHost: true });
  Object.freeze(ref);
  if (strictReferences.size >= MAX_ENTRIES) {
    strictReferences.delete(strictReferences.keys().next().value as string);
  }
  strictReferences.set(image, ref);
  return ref;
}
