/**
 * Reading and writing the files the CLI is given on the command line (-o FILE, key files,
 * predicates, policy init's target), with errors a user can act on: the file is named, the
 * reason is said in words ("is a directory", "no such file or directory"), and the error is a
 * UsageError (exit 2). Not for inputs that are reported per file (manifests, Dockerfiles): those
 * become InputErrors in the report and the other inputs are still processed.
 */
import { closeSync, openSync, readFileSync, statSync, writeFileSync, writeSync } from "node:fs";
import { UsageError } from "./errors.js";

/** A filesystem error in words ("is a directory"), without Node's "EISDIR: illegal operation …". */
export function describeFsError(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  switch (e.code) {
    case "ENOENT":
      return "no such file or directory";
    case "EISDIR":
      return "is a directory";
    case "ENOTDIR":
      return "a part of the path is not a directory";
    case "EACCES":
    case "EPERM":
      return "permission denied";
    case "EROFS":
      return "read-only file system";
    case "ENOSPC":
      return "no space left on the device";
    case "EEXIST":
      return "already exists";
    default:
      return e.code ? `${e.code}: ${e.message}` : String(e.message ?? e);
  }
}

/** A folder given by a flag (e.g. --secrets-dir) must exist and be a folder. */
export function requireDirectory(flag: string, dir: string): void {
  let isDir: boolean;
  try {
    isDir = statSync(dir).isDirectory();
  } catch (err) {
    throw new UsageError(`${flag} ${dir}: ${describeFsError(err)}`);
  }
  if (!isDir) throw new UsageError(`${flag} ${dir}: not a directory`);
}

/** Write the output of a verb to FILE (`-o`); an unwritable path is a UsageError naming it. */
export function writeOutputFile(file: string, text: string, what = "-o", mode?: number): void {
  try {
    writeFileSync(file, text, mode === undefined ? undefined : { mode });
  } catch (err) {
    throw new UsageError(`cannot write ${what} ${file}: ${describeFsError(err)}`);
  }
}

const BATCH = 1 << 20;

/**
 * Write pieces of text as they come, to FILE (`-o`) or to standard output, gathered into ~1 MB
 * writes. Nothing holds the whole text, so a report larger than a JavaScript string can be
 * written. An unwritable FILE is a UsageError naming it.
 */
export function writeOutputChunks(file: string | undefined, chunks: Iterable<string>, what = "-o"): void {
  let fd: number | undefined;
  if (file !== undefined) {
    try {
      fd = openSync(file, "w");
    } catch (err) {
      throw new UsageError(`cannot write ${what} ${file}: ${describeFsError(err)}`);
    }
  }
  const target = fd;
  const flush = (text: string) => {
    if (text === "") return;
    if (target === undefined) {
      process.stdout.write(text);
      return;
    }
    try {
      writeSync(target, text);
    } catch (err) {
      throw new UsageError(`cannot write ${what} ${file}: ${describeFsError(err)}`);
    }
  };
  try {
    let pending: string[] = [];
    let size = 0;
    for (const chunk of chunks) {
      pending.push(chunk);
      size += chunk.length;
      if (size >= BATCH) {
        flush(pending.join(""));
        pending = [];
        size = 0;
      }
    }
    flush(pending.join(""));
  } finally {
    if (target !== undefined) closeSync(target);
  }
}

/**
 * Read a text file named on the command line (with `stdin: true`, `-` is standard input); a
 * UsageError naming the file when it cannot be read.
 */
export function readInputFile(file: string, what: string, opts: { stdin?: boolean } = {}): string {
  const fromStdin = file === "-" && opts.stdin === true;
  try {
    return readFileSync(fromStdin ? 0 : file, "utf8");
  } catch (err) {
    throw new UsageError(
      `cannot read ${what} ${fromStdin ? "from standard input" : file}: ${describeFsError(err)}`,
    );
  }
}
