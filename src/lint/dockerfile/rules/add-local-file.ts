/**
 * dockerfile-add-local-file (hadolint DL3020): ADD of plain local files or folders. ADD is
 * only needed to extract a local tar archive (or fetch a URL, see
 * dockerfile-add-remote-url); for everything else COPY does the same without surprises.
 */
import type { Instruction } from "../../../dockerfile/model.js";
import { splitWords } from "../../../dockerfile/parser.js";
import { type DockerfileRule, hitAt } from "../rule.js";
import { dropQuotes } from "./workdir-relative.js";

const ARCHIVE_EXTENSIONS = [
  ".tar",
  ".Z",
  ".bz2",
  ".gz",
  ".lz",
  ".lzma",
  ".tZ",
  ".tb2",
  ".tbz",
  ".tbz2",
  ".tgz",
  ".tlz",
  ".tpz",
  ".txz",
  ".xz",
];

/** Source operands of ADD/COPY (every operand but the destination). */
export function addSources(instr: Instruction): string[] {
  const words = instr.json ?? splitWords(instr.args).map((w) => w.raw);
  return words.slice(0, -1).map(dropQuotes);
}

export function isRemote(src: string): boolean {
  return /^(https?|git):\/\//.test(src) || /^git@/.test(src);
}

export const addLocalFile: DockerfileRule = {
  id: "dockerfile-add-local-file",
  severity: "medium",
  title: "ADD used for local files (use COPY)",
  hadolint: "DL3020",
  docs: "ADD silently extracts archives and can fetch URLs; for plain files and folders COPY is explicit and predictable. Keep ADD for local tar archives you want extracted.",
  check(ctx) {
    const out = [];
    for (const instr of ctx.dockerfile.instructions) {
      if (instr.keyword !== "ADD" || instr.heredocs.length > 0) continue;
      const plain = addSources(instr).filter(
        (s) => !isRemote(s) && !ARCHIVE_EXTENSIONS.some((e) => s.endsWith(e)),
      );
      if (plain.length === 0) continue;
      out.push(
        hitAt(instr, `ADD of local ${plain.join(", ")}: use COPY for files and folders`, {
          fix: `COPY ${instr.args}`,
        }),
      );
    }
    return out;
  },
};
