/**
 * The base images of Dockerfiles, for `portcullis check`: every FROM that names an image (not an
 * earlier stage, not scratch) as the shared parser resolves it (src/dockerfile: global ARG
 * defaults substituted). A base built from an ARG without a value (`FROM ${REG}/app:1.0`) is
 * unresolved, as in `lint dockerfile`: it is not checked, and a note says so. Files are found by
 * the one naming rule in src/dockerfile/files.ts. Not the Dockerfile linter (src/lint/dockerfile/).
 */
import { readFileSync, statSync } from "node:fs";
import { findDockerfilesIn, isDockerfileInput } from "../dockerfile/files.js";
import { DockerfileSyntaxError } from "../dockerfile/model.js";
import { parseDockerfile } from "../dockerfile/parser.js";
import type { InputError } from "../report/finding.js";

export { isDockerfileInput, isDockerfileName } from "../dockerfile/files.js";

export interface BaseImage {
  file: string;
  /** The image after ARG substitution. */
  image: string;
  /** As written in the file. */
  written: string;
  stage: string;
  line: number;
  column: number;
  /** Built from an ARG without a value: not checked (`image` is what substitution left). */
  unresolved?: boolean;
}

/** Dockerfiles among the inputs: files named explicitly (see isDockerfileInput), and those found in directories. */
export function findDockerfiles(inputs: readonly string[]): string[] {
  const out: string[] = [];
  for (const input of inputs) {
    if (input === "-") continue;
    try {
      if (statSync(input).isDirectory()) out.push(...findDockerfilesIn(input).files);
      else if (isDockerfileInput(input)) out.push(input);
    } catch {
      // reported by the manifest loader
    }
  }
  return out;
}

/** Base images of one Dockerfile, unresolved ones included (flagged). Throws DockerfileSyntaxError. */
export function baseImagesOf(file: string, text: string): BaseImage[] {
  const df = parseDockerfile(text, { file });
  const out: BaseImage[] = [];
  for (const stage of df.stages) {
    const b = stage.base;
    if (b.stageRef !== undefined || b.scratch) continue;
    out.push({
      file,
      image: b.resolved,
      written: b.raw,
      stage: stage.name ?? String(stage.index),
      line: b.at.line,
      column: b.at.column,
      ...(b.unresolved ? { unresolved: true } : {}),
    });
  }
  return out;
}

/**
 * Resolved base images of the files; parse failures become input errors (file:line), unresolved
 * bases become notes ("file:line: …") when `notes` is given.
 */
export function loadBaseImages(
  files: readonly string[],
  errors: InputError[],
  notes?: string[],
): BaseImage[] {
  const out: BaseImage[] = [];
  for (const f of files) {
    let text: string;
    try {
      text = readFileSync(f, "utf8");
    } catch (err) {
      errors.push({ file: f, message: `cannot read: ${(err as Error).message}` });
      continue;
    }
    let bases: BaseImage[];
    try {
      bases = baseImagesOf(f, text);
    } catch (err) {
      if (!(err instanceof DockerfileSyntaxError)) throw err;
      errors.push({ file: f, line: err.line, column: err.column, message: err.reason });
      continue;
    }
    for (const b of bases) {
      if (!b.unresolved) out.push(b);
      else
        notes?.push(
          `${b.file}:${b.line}:${b.column}: base image ${b.written} of stage ${b.stage} uses a build argument without a default: not checked`,
        );
    }
  }
  return out;
}
