/**
 * dockerfile-dnf-unpinned (hadolint DL3041): `dnf`/`microdnf install <pkg>` without
 * `-<version>` (and `module install` without `:<stream>`).
 */
import type { DockerfileRule } from "../rule.js";
import { rpmUnpinnedHits } from "./rpm-unpinned-shared.js";

export const dnfUnpinned: DockerfileRule = {
  id: "dockerfile-dnf-unpinned",
  severity: "medium",
  title: "dnf install without pinned versions",
  hadolint: "DL3041",
  docs: "Unpinned packages install whatever the repository has today. Use `dnf install -y <package>-<version>` (modules: `<module>:<stream>`).",
  check: (ctx) => rpmUnpinnedHits(ctx, ["dnf", "microdnf"]),
};
