/**
 * dockerfile-base-image-untagged (hadolint DL3006): a FROM image with neither tag nor
 * digest. It floats to whatever `latest` is at build time. `scratch`, references to earlier
 * build stages and images whose variables could not be resolved are not judged.
 */
import { type DockerfileRule, hitAt } from "../rule.js";

export const baseImageUntagged: DockerfileRule = {
  id: "dockerfile-base-image-untagged",
  severity: "high",
  title: "Base image has no tag",
  hadolint: "DL3006",
  docs: "A FROM image without a tag or digest means `:latest`, so each build may use a different base. Name a version tag (and ideally a digest).",
  check(ctx) {
    return ctx.stages
      .filter((s) => {
        const b = s.base;
        return !b.scratch && !b.unresolved && b.stageRef === undefined && !b.invalid && !b.tag && !b.digest;
      })
      .map((s) =>
        hitAt(s.from, `base image ${s.base.resolved} has no tag; it means ${s.base.familiar}:latest`, {
          at: s.from.argsAt,
          image: s.base.resolved,
          fix: `FROM ${s.base.familiar}:<version>@sha256:<digest>`,
        }),
      );
  },
};
