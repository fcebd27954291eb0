/**
 * dockerfile-apt-lists-not-removed (hadolint DL3009): a RUN that runs `apt-get update` (or
 * `apt`/`aptitude update`) without `rm -rf /var/lib/apt/lists/*` in the same RUN leaves the
 * package lists in the layer. Only stages that end up in an image count: the final stage and
 * stages other stages build FROM. A cache/tmpfs mount on /var/lib/apt/lists itself, or mounts
 * covering both /var/lib/apt and /var/cache/apt (as hadolint requires), keep them out of the
 * layer; a mount on a subdirectory such as /var/lib/apt/lists/partial does not. ONBUILD triggers are judged
 * on their own, since they run in whatever image builds on this one.
 */
import { mountCovers, mountTargets } from "../mounts.js";
import { type DockerfileRule, hitAtWord, type RuleHit } from "../rule.js";

export const aptListsNotRemoved: DockerfileRule = {
  id: "dockerfile-apt-lists-not-removed",
  severity: "low",
  title: "apt lists not removed after apt-get update",
  hadolint: "DL3009",
  docs: "`apt-get update` downloads tens of megabytes of package lists into /var/lib/apt/lists. Remove them in the same RUN (`&& rm -rf /var/lib/apt/lists/*`), or use a cache mount.",
  check(ctx) {
    const usedAsBase = new Set(ctx.stages.map((s) => s.base.stageRef).filter((x) => x !== undefined));
    const out: RuleHit[] = [];
    for (const run of ctx.runs()) {
      const update = run.shell.commands.find(
        (c) =>
          ["apt-get", "apt", "aptitude"].includes(c.name ?? "") && c.args.some((a) => a.text === "update"),
      );
      if (!update) continue;
      const cleaned = run.shell.commands.some(
        (c) => c.name === "rm" && c.args.some((a) => a.text.startsWith("/var/lib/apt/lists")),
      );
      if (cleaned) continue;
      if (mountTargets(run.mounts).includes("/var/lib/apt/lists")) continue;
      if (mountCovers(run.mounts, "/var/lib/apt") && mountCovers(run.mounts, "/var/cache/apt")) continue;
      const inImage = run.onbuild || run.stage === ctx.finalStage || usedAsBase.has(run.stage.index);
      if (!inImage) continue;
      out.push(
        hitAtWord(
          ctx,
          run,
          update.word0,
          "apt lists are left in the layer; add `&& rm -rf /var/lib/apt/lists/*` to this RUN",
          {
            fix: "apt-get update && apt-get install … && rm -rf /var/lib/apt/lists/*",
          },
        ),
      );
    }
    return out;
  },
};
