/**
 * Writing key files safely: a private key is never readable by others, not even for a moment,
 * and never written through a symbolic link. The new content goes to a fresh file created
 * 0600 (O_EXCL, so nothing can be waiting there) in the same folder, is flushed, and is then
 * renamed over the old name: an existing 0644 file is replaced, not reused with its mode, and a
 * symlink at the path is refused instead of followed to wherever it points.
 */
import { randomBytes } from "node:crypto";
import {
  closeSync,
  fchmodSync,
  fsyncSync,
  lstatSync,
  openSync,
  renameSync,
  rmSync,
  writeSync,
} from "node:fs";
import { basename, dirname, join } from "node:path";

export class KeyFileError extends Error {
  override readonly name = "KeyFileError";
}

/** Whether something exists at `file` (a dangling symlink counts). */
export function keyFileExists(file: string): boolean {
  try {
    lstatSync(file);
    return true;
  } catch {
    return false;
  }
}

/** Throws KeyFileError when `file` is a symbolic link or something other than a regular file. */
export function checkKeyPath(file: string): void {
  try {
    const st = lstatSync(file);
    if (st.isSymbolicLink())
      throw new KeyFileError(
        `${file} is a symbolic link; refusing to write a key through it (remove it first)`,
      );
    if (!st.isFile()) throw new KeyFileError(`${file} exists and is not a regular file`);
  } catch (err) {
    if (err instanceof KeyFileError) throw err;
    if ((err as NodeJS.ErrnoException).code !== "ENOENT")
      throw new KeyFileError(`${file}: ${(err as Error).message}`);
  }
}

/**
 * Write `text` to `file` with `mode` (default 0600) atomically. Throws KeyFileError when the
 * path is a symbolic link or not a regular file, or when it cannot be written.
 */
export function writeKeyFile(file: string, text: string, mode = 0o600): void {
  checkKeyPath(file);
  const temp = join(dirname(file), `.${basename(file)}.${randomBytes(6).toString("hex")}.tmp`);
  let fd: number | undefined;
  try {
    fd = openSync(temp, "wx", mode);
    fchmodSync(fd, mode); // the umask may have taken bits away; never added any
    writeSync(fd, text);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(temp, file);
  } catch (err) {
    if (fd !== undefined) closeSync(fd);
    rmSync(temp, { force: true });
    const e = err as NodeJS.ErrnoException;
    const why: Record<string, string> = {
      ENOENT: "no such file or directory",
      EACCES: "permission denied",
      EPERM: "permission denied",
      ENOTDIR: "not a directory",
      EROFS: "read-only file system",
      ENOSPC: "no space left on device",
    };
    throw new KeyFileError(`cannot write key file ${file}: ${(e.code && why[e.code]) ?? e.message}`);
  }
}
