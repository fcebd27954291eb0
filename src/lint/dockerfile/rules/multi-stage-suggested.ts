/**
 * dockerfile-multi-stage-suggested: compilers or build tools (gcc, make, build-essential,
 * build-base, golang, maven, a JDK, …) installed in the final image (the final stage or a
 * stage it builds on) and never removed. Suggests building in a separate stage and copying
 * only the artifacts. Packages of an `apk add --virtual` group and packages removed later are
 * the business of dockerfile-build-deps-not-removed. No hadolint equivalent.
 */
import { installedPackages, isBuildTool, removedPackages } from "../package-commands.js";
import { type DockerfileRule, hitAtWord, type RuleHit } from "../rule.js";

export const multiStageSuggested: DockerfileRule = {
  id: "dockerfile-multi-stage-suggested",
  severity: "medium",
  title: "Build tools in the final image (use a multi-stage build)",
  docs: "Compilers and build tools in the runtime image add hundreds of packages and help an attacker build exploits in place. Build in a `FROM … AS build` stage and `COPY --from=build` only the artifacts into a minimal final stage.",
  check(ctx) {
    const out: RuleHit[] = [];
    const lineage = new Set(ctx.lineage(ctx.finalStage));
    const runs = ctx.runs().filter((r) => !r.onbuild && lineage.has(r.stage));
    const removedAnywhere = new Set<string>();
    for (const r of runs) for (const p of removedPackages(r.shell)) removedAnywhere.add(p);
    for (const run of runs) {
      const tools = installedPackages(run.shell).filter(
        (p) => isBuildTool(p.name) && !p.virtual && !removedAnywhere.has(p.name),
      );
      if (tools.length === 0) continue;
      out.push(
        hitAtWord(
          ctx,
          run,
          tools[0].word,
          `build tools in the final image: ${tools.map((t) => t.name).join(", ")}; build in a separate stage and COPY --from it`,
          { fix: "FROM <toolchain> AS build … then FROM <minimal base> + COPY --from=build <artifacts>" },
        ),
      );
    }
    return out;
  },
};
