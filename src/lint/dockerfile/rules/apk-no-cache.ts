/**
 * dockerfile-apk-no-cache (hadolint DL3019): `apk add` without `--no-cache` leaves the
 * package index in /var/cache/apk in the layer. A RUN with a cache or tmpfs mount on
 * /var/cache/apk (or a directory above it) is fine; a mount on a subdirectory is not.
 */
import { cmdHasArgs, hasFlag } from "../../../dockerfile/shell.js";
import { mountCovers } from "../mounts.js";
import { type DockerfileRule, hitAtWord } from "../rule.js";

export const apkNoCache: DockerfileRule = {
  id: "dockerfile-apk-no-cache",
  severity: "low",
  title: "apk add without --no-cache",
  hadolint: "DL3019",
  docs: "Without `--no-cache` apk keeps its index under /var/cache/apk, which ends up in the image. Use `apk add --no-cache` (no separate `apk update` needed), or a `--mount=type=cache,target=/var/cache/apk`.",
  check(ctx) {
    return ctx.runs().flatMap((run) => {
      if (mountCovers(run.mounts, "/var/cache/apk")) return [];
      return run.shell.commands
        .filter((c) => cmdHasArgs(c, "apk", ["add"]) && !hasFlag(c, "no-cache"))
        .slice(0, 1)
        .map((c) =>
          hitAtWord(ctx, run, c.word0, "apk add without --no-cache leaves the package index in the image", {
            fix: "apk add --no-cache <packages>",
          }),
        );
    });
  },
};
