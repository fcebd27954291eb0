/**
 * The base images of Dockerfiles, for `portcullis check`: every FROM that names an image (not an
 * earlier stage, not scratch), with ARG defaults declared before the first FROM substituted
 * (`FROM ${BASE}`), and its position. Not the Dockerfile linter (src/lint/dockerfile/).
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { basename, join } from "node:path";
import { DockerfileParser } from "dockerfile-ast";
import type { InputError } from "../report/finding.js";

export interface BaseImage {
  file: string;
  /** The image as written after ARG substitution. */
  image: string;
  /** As written in the file. */
  written: string;
  stage: string;
  line: number;
  column: number;
}

export function isDockerfileName(name: string): boolean {
  const b = basename(name);
  return /^(Dockerfile|Containerfile)([.-].+)?$/.test(b) || /\.(dockerfile|containerfile)$/i.test(b);
}

/** Dockerfiles among the inputs: named files, and those found in directories (recursively). */
export function findDockerfiles(inputs: readonly string[]): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    let entries: import("node:fs").Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return; // the manifest loader reports unreadable inputs
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      if (e.name.startsWith(".") || e.name === "node_modules") continue;
      const p = join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.isFile() && isDockerfileName(e.name)) out.push(p);
    }
  };
  for (const input of inputs) {
    try {
      if (statSync(input).isDirectory()) walk(input);
      else if (isDockerfileName(input)) out.push(input);
    } catch {
      // reported by the manifest loader
    }
  }
  return out;
}

function substitute(text: string, vars: Map<string, string>): string {
  return text.replace(
    /\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?-([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g,
    (m, a, def, b) => {
      const name = (a ?? b) as string;
      const v = vars.get(name);
      if (v !== undefined && v !== "") return v;
      if (def !== undefined) return def as string;
      return m;
    },
  );
}

export function baseImagesOf(file: string, text: string): BaseImage[] {
  const df = DockerfileParser.parse(text);
  const vars = new Map<string, string>();
  for (const arg of df.getInitialARGs()) {
    const p = arg.getProperty();
    if (p?.getValue() != null) vars.set(p.getName(), p.getValue() as string);
  }
  const stages = new Set<string>();
  const out: BaseImage[] = [];
  df.getFROMs().forEach((from, i) => {
    const written = from.getImage() ?? "";
    const stage = from.getBuildStage() ?? String(i);
    const image = substitute(written, vars);
    const range = from.getImageRange() ?? from.getRange();
    if (written && !stages.has(image.toLowerCase()) && image !== "scratch") {
      out.push({
        file,
        image,
        written,
        stage,
        line: range.start.line + 1,
        column: range.start.character + 1,
      });
    }
    if (from.getBuildStage()) stages.add((from.getBuildStage() as string).toLowerCase());
  });
  return out;
}

export function loadBaseImages(files: readonly string[], errors: InputError[]): BaseImage[] {
  const out: BaseImage[] = [];
  for (const f of files) {
    let text: string;
    try {
      text = readFileSync(f, "utf8");
    } catch (err) {
      errors.push({ file: f, message: `cannot read: ${(err as Error).message}` });
      continue;
    }
    out.push(...baseImagesOf(f, text));
  }
  return out;
}
