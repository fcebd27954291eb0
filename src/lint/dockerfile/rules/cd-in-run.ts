/**
 * dockerfile-cd-in-run (hadolint DL3003): `cd` in a RUN. The directory change ends with the RUN,
 * so later instructions run elsewhere than the script suggests; WORKDIR sets it for every later
 * instruction and documents it. One finding per RUN, at its first `cd`. Like hadolint, RUN
 * inside ONBUILD is not judged.
 */
import { type DockerfileRule, hitAtWord } from "../rule.js";

export const cdInRun: DockerfileRule = {
  id: "dockerfile-cd-in-run",
  severity: "low",
  title: "cd in RUN instead of WORKDIR",
  hadolint: "DL3003",
  docs: "A `cd` lasts only until the end of its RUN; the next instruction starts again in the WORKDIR. Use `WORKDIR /path` to change directory for the instructions that follow (use `cd` only inside a subshell or a single command where that is intended, and ignore the rule there).",
  check(ctx) {
    return ctx
      .runs()
      .filter((run) => !run.onbuild)
      .flatMap((run) =>
        run.shell.commands
          .filter((c) => c.name === "cd")
          .slice(0, 1)
          .map((c) => {
            const dir = c.args[0]?.text;
            return hitAtWord(ctx, run, c.word0, "use WORKDIR to switch to a directory instead of cd", {
              ...(dir ? { fix: `WORKDIR ${dir}` } : {}),
            });
          }),
      );
  },
};
