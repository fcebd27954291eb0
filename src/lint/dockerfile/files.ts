/**
 * Finding Dockerfiles: a file given by name is linted whatever it is called; a directory is
 * searched recursively for `Dockerfile`, `Dockerfile.*`, `*.Dockerfile`, `*.dockerfile`,
 * `Containerfile` and `Containerfile.*` (not `*.dockerignore`), skipping .git and
 * node_modules. Results are sorted so reports are stable.
 */
import { readdirSync, statSync } from "node:fs";
import { join } from "node:path";

const SKIP_DIRS = new Set([".git", "node_modules", ".hg", ".svn"]);

export function isDockerfileName(name: string): boolean {
  if (name.endsWith(".dockerignore")) return false;
  return /^(Dockerfile|Containerfile)(\..+)?$/i.test(name) || /\.(Dockerfile|Containerfile)$/i.test(name);
}

export function findDockerfiles(input: string): { files: string[]; error?: string } {
  let st: ReturnType<typeof statSync>;
  try {
    st = statSync(input);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return {
      files: [],
      error: code === "ENOENT" ? "no such file or directory" : `cannot read: ${(err as Error).message}`,
    };
  }
  if (!st.isDirectory()) return { files: [input] };
  const out: string[] = [];
  const walk = (dir: string) => {
    let entries: import("node:fs").Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const p = join(dir, e.name);
      if (e.isDirectory()) {
        if (!SKIP_DIRS.has(e.name)) walk(p);
      } else if (e.isFile() && isDockerfileName(e.name)) out.push(p);
    }
  };
  walk(input);
  out.sort();
  if (out.length === 0) return { files: [], error: "no Dockerfile found in this directory" };
  return { files: out };
}
