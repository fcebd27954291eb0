/**
 * dockerfile-base-image-no-digest: a FROM image (not scratch, not an earlier stage) that is
 * not pinned by digest. Follows `requireDigest` of .portcullis.yaml: off disables it, error
 * raises it to high. No hadolint equivalent.
 */
import type { ProjectConfig, RuleSetting } from "../../../config/project-config.js";
import { type DockerfileRule, hitAt } from "../rule.js";

export const baseImageNoDigest: DockerfileRule & { setting(cfg: ProjectConfig): RuleSetting | undefined } = {
  id: "dockerfile-base-image-no-digest",
  severity: "medium",
  title: "Base image is not pinned by digest",
  docs: "A tag can be moved to another image; only `image:tag@sha256:…` guarantees the bytes you reviewed are the bytes you build on. `portcullis pin` adds digests. Controlled by `requireDigest` (off | warn | error) in .portcullis.yaml.",
  setting(cfg) {
    if (cfg.requireDigest === "off") return "off";
    if (cfg.requireDigest === "error") return "high";
    return undefined;
  },
  check(ctx) {
    return ctx.stages
      .filter((s) => {
        const b = s.base;
        return !b.scratch && !b.unresolved && b.stageRef === undefined && !b.invalid && !b.digest;
      })
      .map((s) =>
        hitAt(s.from, `base image ${s.base.resolved} is not pinned by digest`, {
          at: s.from.argsAt,
          image: s.base.resolved,
          fix: `FROM ${s.base.familiar}:${s.base.tag ?? "<version>"}@sha256:<digest> (portcullis pin)`,
        }),
      );
  },
};
