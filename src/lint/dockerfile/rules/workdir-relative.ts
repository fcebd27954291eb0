/**
 * dockerfile-workdir-relative (hadolint DL3000): WORKDIR with a relative path, which depends
 * on whatever the previous WORKDIR was. Paths starting with `/`, a variable or a Windows
 * drive (`C:`) are absolute enough.
 */
import { type DockerfileRule, hitAt } from "../rule.js";

export function dropQuotes(s: string): string {
  return s.replace(/^["']+|["']+$/g, "");
}

export const workdirRelative: DockerfileRule = {
  id: "dockerfile-workdir-relative",
  severity: "low",
  title: "WORKDIR is a relative path",
  hadolint: "DL3000",
  docs: "A relative WORKDIR is resolved against the previous WORKDIR (which may come from the base image), so the effective directory is easy to get wrong. Use an absolute path.",
  check(ctx) {
    const out = [];
    for (const { instr, outer } of ctx.allInstructions()) {
      if (instr.keyword !== "WORKDIR") continue;
      const loc = dropQuotes(instr.args.trim());
      if (loc.startsWith("$") || loc.startsWith("/") || /^[A-Za-z]:/.test(loc)) continue;
      out.push(
        hitAt(outer, `WORKDIR ${loc} is relative; use an absolute path`, {
          at: instr.argsAt,
          fix: `WORKDIR /${loc}`,
        }),
      );
    }
    return out;
  },
};
