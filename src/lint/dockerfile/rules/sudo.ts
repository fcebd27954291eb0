/**
 * dockerfile-sudo (hadolint DL3004): `sudo` in RUN. Builds already run as the current USER;
 * sudo implies a root-capable account in the image and has unpredictable TTY and signal
 * behaviour.
 */
import { type DockerfileRule, hitAtWord } from "../rule.js";

export const sudo: DockerfileRule = {
  id: "dockerfile-sudo",
  severity: "medium",
  title: "sudo used in RUN",
  hadolint: "DL3004",
  docs: "sudo in an image means a privileged account and a setuid binary an attacker can use. Switch with `USER root` … `USER app` around the commands that need it instead, or use gosu/su-exec at runtime.",
  check(ctx) {
    return ctx.runs().flatMap((run) =>
      run.shell.commands
        .filter((c) => c.name === "sudo")
        .slice(0, 1)
        .map((c) =>
          hitAtWord(
            ctx,
            run,
            c.word0,
            "do not use sudo; switch USER around the commands that need root instead",
          ),
        ),
    );
  },
};
