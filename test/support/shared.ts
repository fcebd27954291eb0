/**
 * Locating the shared test data (../shared next to the checkout, or PORTCULLIS_SHARED). Tests
 * that need it skip with a message when it is absent, as in a plain clone.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");

export const sharedDir: string | undefined = (() => {
  const candidates = [process.env.PORTCULLIS_SHARED, join(repoRoot, "..", "shared")].filter(
    (p): p is string => typeof p === "string" && p.length > 0,
  );
  return candidates.find((p) => existsSync(join(p, "vectors")));
})();

/** A path under shared/vectors, or undefined when the shared folder is not there. */
export function vectorPath(...parts: string[]): string | undefined {
  if (!sharedDir) return undefined;
  const p = join(sharedDir, "vectors", ...parts);
  return existsSync(p) ? p : undefined;
}

export function readVectorJson<T>(...parts: string[]): T | undefined {
  const p = vectorPath(...parts);
  return p ? (JSON.parse(readFileSync(p, "utf8")) as T) : undefined;
}

export const SKIP_NO_SHARED = "skipped: ../shared/vectors not found (set PORTCULLIS_SHARED to run these)";
