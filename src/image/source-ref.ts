/**
 * Parse what the user names as an image: `oci:DIR[:tag]`, `docker-archive:FILE[:tag]`, `dir:PATH`,
 * `sbom:FILE`, `registry:REF` / `docker://REF`, or a bare registry reference (`nginx:1.27`).
 */
import { existsSync } from "node:fs";

export type SourceRef =
  | { kind: "oci"; path: string; tag?: string }
  | { kind: "docker-archive"; path: string; tag?: string }
  | { kind: "dir"; path: string }
  | { kind: "sbom"; path: string }
  | { kind: "registry"; ref: string };

/** Split `PATH[:tag]`; a path that exists as given wins. */
function splitPathTag(rest: string): { path: string; tag?: string } {
  if (existsSync(rest)) return { path: rest };
  // The first prefix that exists on disk is the path (tags like `repo/name:1` hold colons).
  for (let at = rest.indexOf(":"); at > 0; at = rest.indexOf(":", at + 1)) {
    if (existsSync(rest.slice(0, at)))
      return { path: rest.slice(0, at), tag: rest.slice(at + 1) || undefined };
  }
  const i = rest.lastIndexOf(":");
  if (i > 0 && !rest.slice(i + 1).includes("/"))
    return { path: rest.slice(0, i), tag: rest.slice(i + 1) || undefined };
  return { path: rest };
}

export function parseSourceRef(input: string): SourceRef {
  const m = /^([a-z-]+):(?!\/\/)(.*)$/.exec(input);
  if (input.startsWith("docker://")) return { kind: "registry", ref: input.slice("docker://".length) };
  if (m) {
    const [, scheme, rest] = m;
    switch (scheme) {
      case "oci":
        return { kind: "oci", ...splitPathTag(rest) };
      case "docker-archive":
        return { kind: "docker-archive", ...splitPathTag(rest) };
      case "dir":
        return { kind: "dir", path: rest };
      case "sbom":
        return { kind: "sbom", path: rest };
      case "registry":
        return { kind: "registry", ref: rest };
    }
  }
  return { kind: "registry", ref: input };
}
