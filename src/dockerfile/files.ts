/**
 * The one Dockerfile naming rule and finder, used by `lint dockerfile`, `check` and `pin`.
 *
 * A file name (base name, case-insensitive) is a Dockerfile when it is
 *   - `Dockerfile` or `Containerfile` (the names docker/buildx and podman/buildah read by
 *     default; docker also falls back to lowercase `dockerfile`),
 *   - `Dockerfile.<suffix>` / `Containerfile.<suffix>` (e.g. `Dockerfile.prod`, `dockerfile.prod`),
 *   - `<name>.Dockerfile` / `<name>.Containerfile` (Docker's documented convention for several
 *     Dockerfiles in one directory, e.g. `api.Dockerfile`),
 * but never `*.dockerignore` / `*.containerignore`: `Dockerfile.dockerignore` and
 * `api.Dockerfile.dockerignore` are BuildKit's per-Dockerfile ignore files.
 * `Dockerfile-dev` and `Dockerfile_dev` are not found when a directory is searched (neither
 * Docker's conventions nor hadolint's pre-commit file type recognise them); name such a file
 * explicitly: a file given by name is a Dockerfile when its name matches, or when it is not
 * YAML/JSON and its first instruction is FROM or ARG (`lint dockerfile` lints any file given).
 * Directories are searched recursively, skipping `.git`, `.hg`, `.svn` and `node_modules`,
 * following symlinked files but not symlinked directories; results are sorted.
 */
import { type Dirent, readdirSync, readFileSync, statSync } from "node:fs";
import { basename, extname, join } from "node:path";

const SKIP_DIRS = new Set([".git", ".hg", ".svn", "node_modules"]);
const IGNORE_FILE = /\.(dockerignore|containerignore)$/i;
const DOCKERFILE_NAME = /^(dockerfile|containerfile)(\..+)?$|\.(dockerfile|containerfile)$/i;
const DATA_EXT = new Set([".yaml", ".yml", ".json"]);

/** Whether a file name (or path: only the base name counts) follows the Dockerfile naming rule. */
export function isDockerfileName(name: string): boolean {
  const base = basename(name);
  return !IGNORE_FILE.test(base) && DOCKERFILE_NAME.test(base);
}

/** Whether text looks like a Dockerfile: its first instruction is FROM or ARG. */
export function looksLikeDockerfile(text: string): boolean {
  for (const raw of text.replace(/^\uFEFF/, "").split("\n")) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    return /^(FROM|ARG)\s/i.test(line);
  }
  return false;
}

/**
 * Whether a file named on the command line is a Dockerfile: its name follows the rule, or it is
 * not YAML/JSON and its content starts with FROM or ARG. Unreadable files: decided by name.
 */
export function isDockerfileInput(file: string): boolean {
  if (isDockerfileName(file)) return true;
  if (file === "-" || DATA_EXT.has(extname(file).toLowerCase()) || IGNORE_FILE.test(file)) return false;
  try {
    if (!statSync(file).isFile()) return false;
    return looksLikeDockerfile(readFileSync(file, "utf8").slice(0, 64 * 1024));
  } catch {
    return false;
  }
}

export interface FoundDockerfiles {
  files: string[];
  /** Paths that could not be read, with the reason. */
  errors: { file: string; message: string }[];
}

/** Dockerfiles under a directory (recursively), by the naming rule, sorted. */
export function findDockerfilesIn(dir: string): FoundDockerfiles {
  const files: string[] = [];
  const errors: FoundDockerfiles["errors"] = [];
  const walk = (d: string, top: boolean) => {
    let entries: Dirent[];
    try {
      entries = readdirSync(d, { withFileTypes: true });
    } catch (err) {
      if (top) errors.push({ file: d, message: `cannot read directory: ${(err as Error).message}` });
      return;
    }
    for (const e of entries) {
      const p = join(d, e.name);
      if (e.isDirectory()) {
        if (!SKIP_DIRS.has(e.name)) walk(p, false);
      } else if (isDockerfileName(e.name)) {
        if (e.isFile()) files.push(p);
        else if (e.isSymbolicLink()) {
          try {
            if (statSync(p).isFile()) files.push(p);
          } catch {
            // dangling link: nothing to read
          }
        }
      }
    }
  };
  walk(dir, true);
  files.sort();
  return { files, errors };
}
