/**
 * dockerfile-apt-no-install-recommends (hadolint DL3015): `apt-get install` without
 * `--no-install-recommends` (or `-o APT::Install-Recommends=false`) pulls in recommended
 * packages nobody asked for: a bigger image and a bigger attack surface.
 */
import { cmdHasArgs, hasArg, hasFlag } from "../../../dockerfile/shell.js";
import { type DockerfileRule, hitAtWord } from "../rule.js";

export const aptNoInstallRecommends: DockerfileRule = {
  id: "dockerfile-apt-no-install-recommends",
  severity: "low",
  title: "apt-get install without --no-install-recommends",
  hadolint: "DL3015",
  docs: "Recommended packages are installed by default and often double an image's size and package count. Add `--no-install-recommends` and list what you need.",
  check(ctx) {
    return ctx.runs().flatMap((run) =>
      run.shell.commands
        .filter(
          (c) =>
            cmdHasArgs(c, "apt-get", ["install"]) &&
            !hasFlag(c, "no-install-recommends") &&
            !hasArg(c, "APT::Install-Recommends=false"),
        )
        .slice(0, 1)
        .map((c) =>
          hitAtWord(
            ctx,
            run,
            c.word0,
            "apt-get install without --no-install-recommends installs extra packages",
            {
              fix: "apt-get install -y --no-install-recommends <packages>",
            },
          ),
        ),
    );
  },
};
