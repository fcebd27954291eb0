/**
 * Registry patterns for `--allowed-registry`, `allowedRegistries` and `privateRegistries`. The
 * matching is src/reference/match.ts's, the same as the policy's: against the NORMALISED name
 * (`nginx` is `docker.io/library/nginx`; `bitnami/*` means `docker.io/bitnami/*`), `*` within a
 * path segment, a whole-segment `**` across segments (`ghcr.io/acme/**` matches
 * `ghcr.io/acme/app` and `ghcr.io/acme/team/app`), and a bare host (`registry.example.com`,
 * `*.corp.example`, `localhost:5000`) matches every repository on it.
 */
import { matchImagePattern, type Reference } from "../../reference/index.js";

export interface ImagePattern {
  text: string;
  matches(ref: Reference): boolean;
}

export function compileImagePattern(text: string): ImagePattern {
  const p = text.trim();
  return { text, matches: (ref) => matchImagePattern(p, ref) };
}

export function compileImagePatterns(texts: readonly string[]): ImagePattern[] {
  return texts.filter((t) => t.trim() !== "").map(compileImagePattern);
}

export function matchesAny(patterns: readonly ImagePattern[], ref: Reference): ImagePattern | undefined {
  return patterns.find((p) => p.matches(ref));
}
