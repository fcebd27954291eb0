/**
 * dockerfile-build-deps-not-removed: build dependencies that are meant to go but stay in a
 * layer of the final image: an `apk add --virtual <group>` never deleted in the same RUN, or
 * build tools removed only by a later RUN (the earlier layer still holds them). Install, use
 * and remove in one RUN. No hadolint equivalent.
 */
import { installedPackages, isBuildTool, removedPackages } from "../package-commands.js";
import { type DockerfileRule, hitAtWord, type RuleHit } from "../rule.js";

export const buildDepsNotRemoved: DockerfileRule = {
  id: "dockerfile-build-deps-not-removed",
  severity: "low",
  title: "Build dependencies not removed in the same RUN",
  docs: "Each RUN is a layer: removing packages in a later RUN hides them but keeps their bytes in the image. Install build dependencies, build, and remove them (`apk del .build-deps`, `apt-get purge --auto-remove`) in a single RUN, or use a multi-stage build.",
  check(ctx) {
    const out: RuleHit[] = [];
    const lineage = new Set(ctx.lineage(ctx.finalStage));
    const runs = ctx.runs().filter((r) => !r.onbuild && lineage.has(r.stage));
    const removed = runs.map((r) => removedPackages(r.shell));
    runs.forEach((run, k) => {
      const pkgs = installedPackages(run.shell);
      if (pkgs.length === 0) return;
      const here = removed[k];
      const later = new Set<string>();
      for (const set of removed.slice(k + 1)) for (const p of set) later.add(p);
      const groups = new Map<string, (typeof pkgs)[number]>();
      for (const p of pkgs) if (p.virtual && !groups.has(p.virtual)) groups.set(p.virtual, p);
      for (const [group, p] of groups) {
        if (here.has(group)) continue;
        out.push(
          hitAtWord(
            ctx,
            run,
            p.cmd.word0,
            later.has(group)
              ? `virtual package group ${group} is deleted only by a later RUN; its files stay in this layer`
              : `virtual package group ${group} is never deleted; add \`&& apk del ${group}\` to this RUN`,
            { fix: `apk add --virtual ${group} … && <build> && apk del ${group}` },
          ),
        );
      }
      const tools = pkgs.filter(
        (p) => !p.virtual && isBuildTool(p.name) && !here.has(p.name) && later.has(p.name),
      );
      if (tools.length > 0) {
        out.push(
          hitAtWord(
            ctx,
            run,
            tools[0].word,
            `build tools ${tools.map((t) => t.name).join(", ")} are removed only by a later RUN; they stay in this layer`,
            {
              fix: "install, build and remove in the same RUN",
            },
          ),
        );
      }
    });
    return out;
  },
};
