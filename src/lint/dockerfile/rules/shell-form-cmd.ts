/**
 * dockerfile-shell-form-cmd (hadolint DL3025): CMD, ENTRYPOINT or `HEALTHCHECK CMD` in shell
 * form (current hadolint judges HEALTHCHECK CMD too). CMD/ENTRYPOINT then run under
 * `/bin/sh -c`, so the process is not PID 1 and does not receive SIGTERM; a shell-form health
 * check needs a shell in the image. `HEALTHCHECK NONE` is not concerned.
 */
import type { Instruction } from "../../../dockerfile/model.js";
import { type DockerfileRule, hitAt, type RuleHit } from "../rule.js";

/** Exec form for a shell command: its words when it is a plain command, else `sh -c`. */
function execForm(command: string): string {
  const plain = !/[|&;<>()$`\\"'*?~{}[\]#]/.test(command);
  return JSON.stringify(plain ? command.trim().split(/\s+/) : ["/bin/sh", "-c", command.trim()]);
}

/** The shell-form command of a `HEALTHCHECK [flags] CMD …`, or undefined (exec form, NONE). */
function healthcheckShellCommand(instr: Instruction): string | undefined {
  const m = /^CMD\s+([\s\S]*)$/i.exec(instr.args);
  if (!m) return undefined;
  const rest = m[1].trim();
  if (rest.startsWith("[")) {
    try {
      const parsed: unknown = JSON.parse(rest);
      if (Array.isArray(parsed) && parsed.every((x) => typeof x === "string")) return undefined;
    } catch {
      // not JSON: shell form, as BuildKit reads it
    }
  }
  return rest;
}

export const shellFormCmd: DockerfileRule = {
  id: "dockerfile-shell-form-cmd",
  severity: "low",
  title: "CMD/ENTRYPOINT/HEALTHCHECK CMD in shell form",
  hadolint: "DL3025",
  docs: 'In shell form the command runs as a child of `/bin/sh -c`: signals such as SIGTERM do not reach it and shutdown waits for the kill timeout; a shell-form HEALTHCHECK also needs a shell in the image. Use the JSON form `CMD ["executable", "arg"]`, `HEALTHCHECK CMD ["executable", "arg"]`.',
  check(ctx) {
    const out: RuleHit[] = [];
    for (const instr of ctx.dockerfile.instructions) {
      if (instr.keyword === "HEALTHCHECK") {
        const command = healthcheckShellCommand(instr);
        if (command === undefined || command === "") continue;
        out.push(
          hitAt(instr, "HEALTHCHECK CMD uses shell form; it needs /bin/sh in the image", {
            at: instr.argsAt,
            fix: `HEALTHCHECK ${instr.flags.map((f) => `--${f.name}${f.value === undefined ? "" : `=${f.value}`} `).join("")}CMD ${execForm(command)}`,
          }),
        );
        continue;
      }
      if ((instr.keyword !== "CMD" && instr.keyword !== "ENTRYPOINT") || instr.json || instr.args === "")
        continue;
      out.push(
        hitAt(instr, `${instr.keyword} uses shell form; signals will not reach the process`, {
          fix: `${instr.keyword} ${execForm(instr.args)}`,
        }),
      );
    }
    return out;
  },
};
