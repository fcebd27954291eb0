/**
 * Inline ignores: a comment `# portcullis ignore=rule-id[,rule-id]` (or, for people coming
 * from hadolint, `# hadolint ignore=DL3008`) in the comment lines directly above an
 * instruction suppresses those rules for that instruction. Suppressed findings are still
 * reported, marked as such. Rule ids and hadolint ids are both accepted.
 */
import type { Dockerfile } from "../../dockerfile/model.js";

const IGNORE = /^(portcullis|hadolint)\s+ignore\s*=\s*([A-Za-z0-9_,:\s-]+)$/;

export interface IgnoreDirective {
  line: number;
  ids: string[];
}

/** Ignore directives by line. */
export function ignoreDirectives(df: Dockerfile): Map<number, IgnoreDirective> {
  const out = new Map<number, IgnoreDirective>();
  for (const [line, text] of df.comments) {
    const m = IGNORE.exec(text.trim());
    if (!m) continue;
    out.set(line, { line, ids: m[2].split(/[\s,]+/).filter(Boolean) });
  }
  return out;
}

/** The directive suppressing `ids` for the instruction starting at `line`, if any. */
export function ignoredBy(
  df: Dockerfile,
  directives: Map<number, IgnoreDirective>,
  instructionLine: number,
  ids: (string | undefined)[],
): IgnoreDirective | undefined {
  for (let l = instructionLine - 1; l >= 1 && df.comments.has(l); l--) {
    const d = directives.get(l);
    if (d?.ids.some((id) => ids.includes(id))) return d;
  }
  return undefined;
}
