/**
 * dockerfile-yum-unpinned (hadolint DL3033): `yum install <pkg>` without `-<version>` (and
 * `yum module install <module>` without `:<stream>`).
 */
import type { DockerfileRule } from "../rule.js";
import { rpmUnpinnedHits } from "./rpm-unpinned-shared.js";

export const yumUnpinned: DockerfileRule = {
  id: "dockerfile-yum-unpinned",
  severity: "medium",
  title: "yum install without pinned versions",
  hadolint: "DL3033",
  docs: "Unpinned packages install whatever the repository has today. Use `yum install -y <package>-<version>` (modules: `<module>:<stream>`).",
  check: (ctx) => rpmUnpinnedHits(ctx, ["yum"]),
};
