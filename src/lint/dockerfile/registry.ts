/**
 * The Dockerfile rule registry: every rule, in documentation order. Add a rule by writing
 * rules/<name>.ts and listing it here; the engine, --list-rules, SARIF and docs read this list.
 */

import type { DockerfileRule } from "./rule.js";
import { addLocalFile } from "./rules/add-local-file.js";
import { addRemoteUrl } from "./rules/add-remote-url.js";
import { apkNoCache } from "./rules/apk-no-cache.js";
import { apkUnpinned } from "./rules/apk-unpinned.js";
import { aptGetUpgrade } from "./rules/apt-get-upgrade.js";
import { aptListsNotRemoved } from "./rules/apt-lists-not-removed.js";
import { aptNoInstallRecommends } from "./rules/apt-no-install-recommends.js";
import { aptUnpinned } from "./rules/apt-unpinned.js";
import { baseImageLatest } from "./rules/base-image-latest.js";
import { baseImageNoDigest } from "./rules/base-image-no-digest.js";
import { baseImageNotMinimal } from "./rules/base-image-not-minimal.js";
import { baseImageUntagged } from "./rules/base-image-untagged.js";
import { buildDepsNotRemoved } from "./rules/build-deps-not-removed.js";
import { cdInRun } from "./rules/cd-in-run.js";
import { chmod777 } from "./rules/chmod-777.js";
import { curlPipeShell } from "./rules/curl-pipe-shell.js";
import { dnfUnpinned } from "./rules/dnf-unpinned.js";
import { exposeSsh } from "./rules/expose-ssh.js";
import { finalStageRoot } from "./rules/final-stage-root.js";
import { gemUnpinned } from "./rules/gem-unpinned.js";
import { multiStageSuggested } from "./rules/multi-stage-suggested.js";
import { npmUnpinned } from "./rules/npm-unpinned.js";
import { pipNoCacheDir } from "./rules/pip-no-cache-dir.js";
import { pipUnpinned } from "./rules/pip-unpinned.js";
import { pipefailMissing } from "./rules/pipefail-missing.js";
import { secretInEnv } from "./rules/secret-in-env.js";
import { shellFormCmd } from "./rules/shell-form-cmd.js";
import { sudo } from "./rules/sudo.js";
import { userRoot } from "./rules/user-root.js";
import { workdirRelative } from "./rules/workdir-relative.js";
import { yumUnpinned } from "./rules/yum-unpinned.js";

export const DOCKERFILE_RULES: readonly DockerfileRule[] = [
  // Base image
  baseImageUntagged,
  baseImageLatest,
  baseImageNoDigest,
  baseImageNotMinimal,
  // Users
  finalStageRoot,
  userRoot,
  sudo,
  // Secrets and supply chain
  secretInEnv,
  curlPipeShell,
  addRemoteUrl,
  addLocalFile,
  chmod777,
  // Packages
  aptUnpinned,
  apkUnpinned,
  pipUnpinned,
  npmUnpinned,
  gemUnpinned,
  yumUnpinned,
  dnfUnpinned,
  aptNoInstallRecommends,
  aptListsNotRemoved,
  aptGetUpgrade,
  apkNoCache,
  pipNoCacheDir,
  multiStageSuggested,
  buildDepsNotRemoved,
  // Runtime
  exposeSsh,
  workdirRelative,
  cdInRun,
  shellFormCmd,
  pipefailMissing,
];

export function findDockerfileRule(idOrHadolint: string): DockerfileRule | undefined {
  return DOCKERFILE_RULES.find((r) => r.id === idOrHadolint || r.hadolint === idOrHadolint);
}
