/**
 * The progress bars of the verbs that read image layers or download feeds (sbom, scan, db
 * update): on stderr, only on a terminal and never with --quiet, cleared when done, cli-progress
 * loaded on first use. Also the sums over the layers seen so far (layers are read two at a time)
 * and sizes in MiB with one decimal.
 */
import type { LayerProgress } from "../image/walk.js";

/** A bar on stderr with `format` (cli-progress tokens), or undefined when quiet or not a terminal. */
export async function stderrBar(format: string, quiet?: boolean) {
  if (quiet || !process.stderr.isTTY) return undefined;
  const { default: cliProgress } = await import("cli-progress");
  return new cliProgress.SingleBar(
    { stream: process.stderr, format, hideCursor: true, clearOnComplete: true },
    cliProgress.Presets.shades_classic,
  );
}

/** Bytes in MiB, one decimal. */
export const mib = (n: number): number => Math.round((n / (1 << 20)) * 10) / 10;

/**
 * Bytes read and expected over the layers seen so far (a layer's size may be unknown, or
 * smaller than what was read), each layer counting at least `minTotal`; and how many are done.
 */
export function layerSums(
  seen: Iterable<LayerProgress>,
  minTotal = 0,
): { bytes: number; total: number; done: number } {
  let bytes = 0;
  let total = 0;
  let done = 0;
  for (const l of seen) {
    bytes += l.total > 0 ? Math.min(l.bytes, l.total) : l.bytes;
    total += Math.max(l.total, l.bytes, minTotal);
    if (l.done) done++;
  }
  return { bytes, total, done };
}
