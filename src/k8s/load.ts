/**
 * Reading manifest inputs: files, directories (recursively: *.yaml, *.yml, *.json, skipping
 * hidden files and folders) and `-` for standard input. Every input that cannot be read or
 * parsed becomes an InputError naming the file (and line:column for YAML syntax errors); so does
 * a file that is not UTF-8 text and an empty standard input. The other inputs and the other
 * documents of the same file are still returned.
 */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { decodeInputText } from "../shared/input-text.js";
import type { InputError } from "../shared/types.js";
import { type ManifestSource, parseManifestText } from "./source.js";

export const STDIN_NAME = "<stdin>";
const MANIFEST_EXTENSIONS = [".yaml", ".yml", ".json"];

export interface ManifestSet {
  sources: ManifestSource[];
  /** Inputs that could not be read or parsed (syntax errors included). */
  errors: InputError[];
  /** Number of files read. */
  files: number;
}

export interface LoadOptions {
  /** Reads all of standard input (the default reads file descriptor 0). */
  readStdin?: () => string;
}

/** Expand inputs to the list of files to read (directories recursively, sorted). */
export function expandInputs(inputs: readonly string[], errors: InputError[]): string[] {
  const files: string[] = [];
  for (const input of inputs) {
    if (input === "-") {
      files.push("-");
      continue;
    }
    let st: ReturnType<typeof statSync>;
    try {
      st = statSync(input);
    } catch (err) {
      errors.push({ file: input, message: describeFsError(err) });
      continue;
    }
    if (st.isDirectory()) walk(input, files, errors);
    else files.push(input);
  }
  return files;
}

function walk(dir: string, out: string[], errors: InputError[]): void {
  let entries: import("node:fs").Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (err) {
    errors.push({ file: dir, message: describeFsError(err) });
    return;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    if (e.name.startsWith(".") || e.name === "node_modules") continue;
    const p = join(dir, e.name);
    if (e.isDirectory()) walk(p, out, errors);
    else if (e.isFile() && MANIFEST_EXTENSIONS.some((x) => e.name.toLowerCase().endsWith(x))) out.push(p);
  }
}

function describeFsError(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  if (e.code === "ENOENT") return "no such file or directory";
  if (e.code === "EACCES") return "permission denied";
  if (e.code === "EISDIR") return "is a directory";
  return `cannot read: ${e.message}`;
}

/** Load and parse every input. Never throws for bad input: see `errors`. */
export function loadManifests(inputs: readonly string[], opts: LoadOptions = {}): ManifestSet {
  const errors: InputError[] = [];
  const files = expandInputs(inputs, errors);
  const sources: ManifestSource[] = [];
  let stdinRead = false;
  for (const file of files) {
    let text: string;
    let name = file;
    try {
      if (file === "-") {
        if (stdinRead) continue; // `-` given twice: stdin can only be read once
        stdinRead = true;
        name = STDIN_NAME;
        if (opts.readStdin) text = opts.readStdin();
        else {
          const decoded = decodeInputText(readFileSync(0), name);
          if (decoded.error) {
            errors.push(decoded.error);
            continue;
          }
          text = decoded.text;
        }
        // `helm template … | portcullis lint k8s -` where helm failed: not a clean result.
        if (text.trim() === "") {
          errors.push({ file: name, message: "standard input is empty; expected Kubernetes manifests" });
          continue;
        }
      } else {
        const decoded = decodeInputText(readFileSync(file), file);
        if (decoded.error) {
          errors.push(decoded.error);
          continue;
        }
        text = decoded.text;
      }
    } catch (err) {
      errors.push({ file: name, message: describeFsError(err) });
      continue;
    }
    sources.push(parseManifestText(stripBom(text), name));
  }
  for (const s of sources) errors.push(...s.errors);
  return { sources, errors, files: sources.length };
}

/** Parse texts already in memory (for library users and tests). */
export function parseManifests(texts: readonly { file: string; text: string }[]): ManifestSet {
  const sources = texts.map((t) => parseManifestText(stripBom(t.text), t.file));
  return { sources, errors: sources.flatMap((s) => s.errors), files: sources.length };
}

function stripBom(s: string): string {
  return s.charCodeAt(0) === 0xfeff ? s.slice(1) : s;
}
