/**
 * dockerfile-apt-get-upgrade: `apt-get upgrade` / `dist-upgrade` / `full-upgrade` (and the
 * same with `apt`) in a RUN. Upgrades make the image depend on the day of the build; update
 * the base image tag instead. (hadolint's old DL3005; it is no longer in hadolint.)
 */
import { type DockerfileRule, hitAtWord, type RuleHit } from "../rule.js";

const UPGRADES = ["upgrade", "dist-upgrade", "full-upgrade"];

export const aptGetUpgrade: DockerfileRule = {
  id: "dockerfile-apt-get-upgrade",
  severity: "low",
  title: "apt-get upgrade in a RUN",
  docs: "Upgrading every package during the build gives a different image each day and hides which fixes you depend on. Rebuild on a newer base image tag (or pin the packages you need with `apt-get install pkg=version`).",
  check(ctx) {
    const out: RuleHit[] = [];
    for (const run of ctx.runs()) {
      const cmd = run.shell.commands.find(
        (c) => (c.name === "apt-get" || c.name === "apt") && c.args.some((a) => UPGRADES.includes(a.text)),
      );
      if (cmd) {
        const verb = cmd.args.find((a) => UPGRADES.includes(a.text))!.text;
        out.push(
          hitAtWord(
            ctx,
            run,
            cmd.word0,
            `${cmd.name} ${verb} makes the build depend on the day it runs; use a newer base image instead`,
          ),
        );
      }
    }
    return out;
  },
};
