/**
 * dockerfile-base-image-latest (hadolint DL3007): a FROM image tagged `latest` without a
 * digest. Stage references and unresolved images are not judged.
 */
import { type DockerfileRule, hitAt } from "../rule.js";

export const baseImageLatest: DockerfileRule = {
  id: "dockerfile-base-image-latest",
  severity: "high",
  title: "Base image uses the latest tag",
  hadolint: "DL3007",
  docs: "`:latest` moves whenever the publisher pushes, so builds are not reproducible and may pick up breaking or compromised images. Pin a release tag (and a digest).",
  check(ctx) {
    return ctx.stages
      .filter((s) => s.base.stageRef === undefined && s.base.tag === "latest" && !s.base.digest)
      .map((s) =>
        hitAt(s.from, `base image ${s.base.resolved} uses the latest tag; pin a release tag`, {
          at: s.from.argsAt,
          image: s.base.resolved,
          fix: `FROM ${s.base.familiar}:<version>@sha256:<digest>`,
        }),
      );
  },
};
