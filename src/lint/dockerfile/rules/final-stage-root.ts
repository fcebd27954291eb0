/**
 * dockerfile-final-stage-root: the final stage runs as root because no USER is set in it or
 * in the stages it builds on (or a parent stage ends as root and the final stage does not
 * change it). Base images that declare a non-root user in their tag (`:nonroot`, distroless
 * `nonroot`) count as non-root. An explicit `USER root` at the end is reported by
 * dockerfile-user-root instead. No hadolint equivalent (DL3002 only sees explicit USER root).
 */
import { type DockerfileRule, hitAt, type RuleHit } from "../rule.js";
import { isRootUser, lastUser } from "./user-root.js";

export const finalStageRoot: DockerfileRule = {
  id: "dockerfile-final-stage-root",
  severity: "high",
  title: "Final stage runs as root",
  docs: "Without a USER the container runs as uid 0; a process compromise is then root in the container and one kernel or runtime bug away from the node. Add a user and end the final stage with `USER <uid>` (Kubernetes `runAsNonRoot` needs a numeric uid).",
  check(ctx) {
    const out: RuleHit[] = [];
    const final = ctx.finalStage;
    const own = lastUser(final.instructions);
    if (own) return out; // root or not, the final stage decided explicitly
    for (const stage of ctx.lineage(final).slice(1)) {
      const user = lastUser(stage.instructions);
      if (!user) continue;
      if (isRootUser(user.args)) {
        out.push(
          hitAt(
            final.from,
            `the final stage inherits USER ${user.args.trim()} from stage ${stage.name ?? stage.index} (line ${user.span.start.line}); it runs as root`,
            {
              fix: "add USER <uid> at the end of the final stage",
            },
          ),
        );
      }
      return out;
    }
    const root = ctx.lineage(final).at(-1)!;
    const b = root.base;
    if (/nonroot|non-root|rootless/i.test(`${b.tag ?? ""} ${b.name ?? ""}`)) return out;
    out.push(
      hitAt(final.from, "the final stage has no USER, so the container runs as root", {
        fix: "RUN adduser -D -u 10001 app (or useradd) … then USER 10001",
      }),
    );
    return out;
  },
};
