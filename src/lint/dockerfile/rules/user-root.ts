/**
 * dockerfile-user-root (hadolint DL3002): the last USER of a stage is root (`root`, `0`,
 * `root:…`, `0:…`). For a stage that is built on or shipped, whatever runs next runs as root.
 * Stages without any USER are the business of dockerfile-final-stage-root.
 */
import type { Instruction } from "../../../dockerfile/model.js";
import { type DockerfileRule, hitAt, type RuleHit } from "../rule.js";

export function isRootUser(user: string): boolean {
  const u = user.trim().replace(/^["']|["']$/g, "");
  return u === "root" || u === "0" || u.startsWith("root:") || u.startsWith("0:");
}

/** The last USER instruction of a stage's own instructions. */
export function lastUser(instructions: Instruction[]): Instruction | undefined {
  let last: Instruction | undefined;
  for (const i of instructions) if (i.keyword === "USER") last = i;
  return last;
}

export const userRoot: DockerfileRule = {
  id: "dockerfile-user-root",
  severity: "medium",
  title: "Last USER of a stage is root",
  hadolint: "DL3002",
  docs: "Switching to root is sometimes needed to install packages, but the stage should end with an unprivileged `USER app` (or a numeric uid) so the container does not run as root.",
  check(ctx) {
    const out: RuleHit[] = [];
    for (const stage of ctx.stages) {
      const user = lastUser(stage.instructions);
      if (!user || !isRootUser(user.args)) continue;
      const what = stage === ctx.finalStage ? "the final stage" : `stage ${stage.name ?? stage.index}`;
      out.push(
        hitAt(user, `${what} ends with USER ${user.args.trim()}; the container will run as root`, {
          fix: "USER 10001:10001",
        }),
      );
    }
    return out;
  },
};
