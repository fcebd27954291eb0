/**
 * Registry patterns for `--allowed-registry`, `allowedRegistries` and `privateRegistries`,
 * matched against the NORMALISED image name (`nginx` is `docker.io/library/nginx`).
 *
 * - A pattern without `/` names registry hosts: `registry.example.com`, `*.corp.example`,
 *   `localhost:5000`; it matches every repository on them.
 * - A pattern with `/` matches the repository name `host/path`: `*` matches within one path
 *   component, `**` across components; a trailing `/**` also matches the prefix itself
 *   (`ghcr.io/acme/**` matches `ghcr.io/acme/app` and `ghcr.io/acme/team/app`).
 * - `index.docker.io` in a pattern is read as `docker.io`, as in references.
 */
import type { Reference } from "../../reference/index.js";

export interface ImagePattern {
  text: string;
  matches(ref: Reference): boolean;
}

export function compileImagePattern(text: string): ImagePattern {
  let p = text.trim();
  if (p.startsWith("index.docker.io")) p = `docker.io${p.slice("index.docker.io".length)}`;
  const hostOnly = !p.includes("/");
  let source = globToRegExpSource(p);
  if (!hostOnly && p.endsWith("/**")) source = `${globToRegExpSource(p.slice(0, -3))}(?:/.*)?`;
  const re = new RegExp(`^${source}$`);
  return {
    text,
    matches: hostOnly ? (ref) => re.test(ref.domain) : (ref) => re.test(ref.name),
  };
}

function globToRegExpSource(glob: string): string {
  let out = "";
  for (let i = 0; i < glob.length; i++) {
    const ch = glob[i];
    if (ch === "*") {
      if (glob[i + 1] === "*") {
        out += ".*";
        i++;
      } else out += "[^/]*";
    } else out += ch.replace(/[.+?^${}()|[\]\\]/g, "\\$&");
  }
  return out;
}

export function compileImagePatterns(texts: readonly string[]): ImagePattern[] {
  return texts.filter((t) => t.trim() !== "").map(compileImagePattern);
}

export function matchesAny(patterns: readonly ImagePattern[], ref: Reference): ImagePattern | undefined {
  return patterns.find((p) => p.matches(ref));
}
