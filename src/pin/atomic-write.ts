/**
 * Writing a pinned file back without losing anything:
 * - a symlink is followed to its final target, and the target is replaced (the link stays a
 *   link, and every other link to the same target sees the change);
 * - the target is replaced atomically: a temporary file in the target's own directory is
 *   written, flushed, given the original's mode and renamed over it, so a crash leaves the
 *   original untouched and the temporary file is removed on error;
 * - a file with several hard links is rewritten in place instead (a rename would split it from
 *   its other names); the new text is first written to a temporary file, so a full disk or an
 *   unwritable directory fails before the original is touched;
 * - a read-only file (no write bit in its mode) is refused unless `force`;
 * - a UTF-8 byte-order mark the original had is written back.
 * Failures come back as values, never as exceptions: `failed` (could not write: an operational
 * failure) or `refused` (read-only without force).
 */
import { randomBytes } from "node:crypto";
import {
  closeSync,
  fsyncSync,
  ftruncateSync,
  openSync,
  realpathSync,
  renameSync,
  statSync,
  unlinkSync,
  writeSync,
} from "node:fs";
import { basename, dirname, join } from "node:path";

export interface WriteOptions {
  /** Rewrite read-only files too. */
  force?: boolean;
  /** Put a UTF-8 byte-order mark before the text (the original had one). */
  bom?: boolean;
}

export type WriteOutcome =
  | { ok: true /** The file actually written (the symlink's target). */; target: string }
  | { ok: false; kind: "failed" | "refused"; message: string };

function reason(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  const words: Record<string, string> = {
    EACCES: "permission denied",
    EPERM: "operation not permitted",
    EROFS: "read-only file system",
    ENOSPC: "no space left on device",
    ENAMETOOLONG: "file name too long",
    ENOENT: "no such file or directory",
  };
  return (e.code && words[e.code]) ?? e.message;
}

/** Write `text` to a new temporary file next to `target`; returns its path. */
function writeTemp(target: string, text: string, mode: number): string {
  const tmp = join(
    dirname(target),
    `.${basename(target)}.portcullis-${process.pid}-${randomBytes(4).toString("hex")}.tmp`,
  );
  const fd = openSync(tmp, "wx", mode);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    unlinkQuietly(tmp);
    throw err;
  }
  closeSync(fd);
  return tmp;
}

function unlinkQuietly(file: string): void {
  try {
    unlinkSync(file);
  } catch {
    // already gone
  }
}

export function writePinnedFile(file: string, text: string, opts: WriteOptions = {}): WriteOutcome {
  let target: string;
  let st: ReturnType<typeof statSync>;
  try {
    target = realpathSync(file);
    st = statSync(target);
  } catch (err) {
    return { ok: false, kind: "failed", message: `cannot write ${file}: ${reason(err)}` };
  }
  const via = target === file ? "" : ` (the target of ${file})`;
  const mode = Number(st.mode) & 0o7777;
  if ((mode & 0o222) === 0 && !opts.force)
    return {
      ok: false,
      kind: "refused",
      message: `${target}${via} is read-only (mode ${mode.toString(8).padStart(4, "0")}): not rewritten; pass --force to rewrite it`,
    };
  const content = opts.bom ? `\uFEFF${text}` : text;
  let tmp: string;
  try {
    tmp = writeTemp(target, content, mode);
  } catch (err) {
    return {
      ok: false,
      kind: "failed",
      message: `cannot write ${target}${via}: cannot create a temporary file in ${dirname(target)}: ${reason(err)}`,
    };
  }
  try {
    if (Number(st.nlink) > 1) {
      // Hard links: keep the inode, so every name of the file sees the pinned text.
      const fd = openSync(target, "r+");
      try {
        const bytes = Buffer.from(content, "utf8");
        writeSync(fd, bytes, 0, bytes.length, 0);
        ftruncateSync(fd, bytes.length);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
      unlinkQuietly(tmp);
    } else renameSync(tmp, target);
  } catch (err) {
    unlinkQuietly(tmp);
    return { ok: false, kind: "failed", message: `cannot write ${target}${via}: ${reason(err)}` };
  }
  return { ok: true, target };
}
