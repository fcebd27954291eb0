/**
 * dockerfile-pipefail-missing (hadolint DL4006): a RUN with a pipe while the shell does not
 * have `-o pipefail`: `curl … | tar x` succeeds even when curl fails. Satisfied by a SHELL
 * of bash/zsh/ash with `-o pipefail` earlier in the stage, by `set -o pipefail` before the
 * pipe in the RUN itself, or by a non-POSIX SHELL (pwsh, cmd).
 */
import { basename, hasFlag, parseShell } from "../../../dockerfile/shell.js";
import { type DockerfileRule, hitAt, type RuleHit } from "../rule.js";

const NON_POSIX = ["pwsh", "powershell", "cmd"];

function shellHasPipefail(words: string[]): boolean {
  const parsed = parseShell(words.join(" "));
  return parsed.commands.some(
    (c) =>
      ["bash", "zsh", "ash"].includes(basename(c.name ?? "")) &&
      hasFlag(c, "o") &&
      c.args.some((a) => a.text === "pipefail"),
  );
}

export const pipefailMissing: DockerfileRule = {
  id: "dockerfile-pipefail-missing",
  severity: "low",
  title: "Pipe in RUN without pipefail",
  hadolint: "DL4006",
  docs: 'A pipeline\'s status is that of its last command, so `wget -O- URL | tar x` passes even when the download fails. Add `SHELL ["/bin/bash", "-o", "pipefail", "-c"]` before the RUN (or `set -o pipefail &&` at its start).',
  check(ctx) {
    const out: RuleHit[] = [];
    let ok = false;
    const runsByInstr = new Map(
      ctx
        .runs()
        .filter((r) => !r.onbuild)
        .map((r) => [r.run, r]),
    );
    for (const instr of ctx.dockerfile.instructions) {
      if (instr.keyword === "FROM") ok = false;
      else if (instr.keyword === "SHELL") {
        const words = instr.json ?? instr.args.split(/\s+/);
        ok = NON_POSIX.some((p) => words.join(" ").startsWith(p)) || shellHasPipefail(words);
      } else if (instr.keyword === "RUN" && !ok) {
        const run = runsByInstr.get(instr);
        if (!run?.shell.hasPipes) continue;
        const firstPipe = Math.min(...run.shell.pipelines.map((p) => p[0].start), Number.POSITIVE_INFINITY);
        const setsPipefail = run.shell.commands.some(
          (c) =>
            c.name === "set" &&
            c.start < firstPipe &&
            c.args.some((a, i) => a.text === "pipefail" && /^-[a-z]*o$/.test(c.args[i - 1]?.text ?? "")),
        );
        if (setsPipefail) continue;
        out.push(
          hitAt(
            instr,
            "RUN has a pipe but the shell lacks -o pipefail; a failing command before | goes unnoticed",
            {
              fix: 'SHELL ["/bin/bash", "-o", "pipefail", "-c"]',
            },
          ),
        );
      }
    }
    return out;
  },
};
