/**
 * dockerfile-chmod-777: `chmod 777` / `chmod -R 777` / `a+rwx` or any mode that makes files
 * world-writable, in RUN or as `COPY/ADD --chmod`. Any process in the container (or a
 * compromised one) can then rewrite them. No hadolint equivalent.
 */
import { argsNoFlags } from "../../../dockerfile/shell.js";
import { type DockerfileRule, hitAt, hitAtWord, type RuleHit } from "../rule.js";

/** True when the chmod mode grants write to "others". */
export function worldWritable(mode: string): boolean {
  if (/^[0-7]{3,4}$/.test(mode)) return [2, 3, 6, 7].includes(Number(mode[mode.length - 1]));
  return mode.split(",").some((clause) => {
    const m = /^([ugoa]*)([+=])([rwxXst]*)$/.exec(clause);
    if (!m?.[3].includes("w")) return false;
    return m[1].includes("o") || m[1].includes("a");
  });
}

export const chmod777: DockerfileRule = {
  id: "dockerfile-chmod-777",
  severity: "high",
  title: "chmod 777 (world-writable files)",
  docs: "World-writable files let any user in the container replace binaries, scripts or config. Give ownership to the runtime user (`COPY --chown=app:app`) and use 755/644 modes.",
  check(ctx) {
    const out: RuleHit[] = [];
    for (const run of ctx.runs()) {
      for (const cmd of run.shell.commands) {
        if (cmd.name !== "chmod") continue;
        const mode = argsNoFlags(cmd)[0];
        if (mode && worldWritable(mode.text)) {
          out.push(
            hitAtWord(ctx, run, mode, `chmod ${mode.text} makes files world-writable`, {
              fix: "chmod 755 (dirs/executables) or 644 (files), owned by the runtime user",
            }),
          );
        }
      }
    }
    for (const { instr, outer } of ctx.allInstructions()) {
      if (instr.keyword !== "COPY" && instr.keyword !== "ADD") continue;
      const flag = instr.flags.find((f) => f.name === "chmod");
      if (flag?.value && worldWritable(flag.value)) {
        out.push(
          hitAt(outer, `${instr.keyword} --chmod=${flag.value} makes files world-writable`, {
            at: flag.span.start,
            fix: "--chmod=755 or 644",
          }),
        );
      }
    }
    return out;
  },
};
