/**
 * dockerfile-shell-form-cmd (hadolint DL3025): CMD or ENTRYPOINT in shell form. The process
 * runs under `/bin/sh -c`, so it is not PID 1 and does not receive SIGTERM. HEALTHCHECK CMD is
 * not concerned.
 */
import { type DockerfileRule, hitAt } from "../rule.js";

export const shellFormCmd: DockerfileRule = {
  id: "dockerfile-shell-form-cmd",
  severity: "low",
  title: "CMD/ENTRYPOINT in shell form",
  hadolint: "DL3025",
  docs: 'In shell form the command runs as a child of `/bin/sh -c`: signals such as SIGTERM do not reach it and shutdown waits for the kill timeout. Use the JSON form `CMD ["executable", "arg"]`.',
  check(ctx) {
    const out = [];
    for (const instr of ctx.dockerfile.instructions) {
      if ((instr.keyword !== "CMD" && instr.keyword !== "ENTRYPOINT") || instr.json || instr.args === "")
        continue;
      const words = instr.args.trim().split(/\s+/);
      out.push(
        hitAt(instr, `${instr.keyword} uses shell form; signals will not reach the process`, {
          fix: `${instr.keyword} ${JSON.stringify(words)}`,
        }),
      );
    }
    return out;
  },
};
