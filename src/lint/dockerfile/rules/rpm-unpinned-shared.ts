/**
 * Shared check of dockerfile-yum-unpinned and dockerfile-dnf-unpinned: packages of
 * `<tool> install` need `name-version`, modules of `<tool> module install` need
 * `name:stream`; groups are not judged. Variables (`git-core-${version}`) are expanded from
 * the ENV and ARG values in force in the stage (and the stages it builds on) before the RUN,
 * as current hadolint does; an `ARG name` without a default in a stage takes the default of
 * the global ARG of that name (BuildKit's rule). An unquoted expansion is split into words and
 * each is judged. A variable with no value at all leaves the package unpinned (its version is
 * only known at build time), and the message names the package as written.
 */
import type { Instruction } from "../../../dockerfile/model.js";
import { parseKeyValues, splitWords } from "../../../dockerfile/parser.js";
import { argsNoFlags } from "../../../dockerfile/shell.js";
import { substituteVariables } from "../../../dockerfile/substitute.js";
import { rpmVersionFixed } from "../package-commands.js";
import { hitAtWord, type LintContext, type RuleHit, type RunInfo } from "../rule.js";

function variablesBefore(ctx: LintContext, run: RunInfo): Map<string, string | undefined> {
  const vars = new Map<string, string | undefined>();
  const globals = ctx.dockerfile.globalArgs;
  const stages = ctx.lineage(run.stage).reverse();
  for (const stage of stages) {
    for (const i of stage.instructions) {
      if (i === run.outer) break;
      const target: Instruction | undefined = i.trigger && run.onbuild ? i.trigger : i;
      if (target.keyword === "ENV" || target.keyword === "ARG")
        for (const kv of parseKeyValues(target, target.keyword === "ENV")) {
          const value = kv.value ?? (target.keyword === "ARG" ? globals.get(kv.key) : undefined);
          if (value !== undefined || !vars.has(kv.key)) vars.set(kv.key, value);
        }
    }
  }
  return vars;
}

export function rpmUnpinnedHits(ctx: LintContext, tools: string[]): RuleHit[] {
  const out: RuleHit[] = [];
  for (const run of ctx.runs()) {
    let vars: Map<string, string | undefined> | undefined;
    for (const cmd of run.shell.commands) {
      if (!tools.includes(cmd.name ?? "")) continue;
      const texts = cmd.args.map((a) => a.text);
      if (!texts.includes("install") || texts.includes("group") || texts.includes("groupinstall")) continue;
      const isModule = texts.includes("module");
      const words = argsNoFlags(cmd).filter((w) => w.text !== "install" && w.text !== "module");
      const pinned = (text: string) => (isModule ? text.includes(":") : rpmVersionFixed(text));
      const unpinned = words.filter((w) => {
        if (w.literal) return !pinned(w.text);
        vars ??= variablesBefore(ctx, run);
        const sub = substituteVariables(run.script.script.slice(w.start, w.end), vars);
        if (sub.missing.length > 0) return true;
        const expanded = splitWords(sub.value).map((x) => x.value);
        return expanded.length === 0 || !expanded.every(pinned);
      });
      if (unpinned.length === 0) continue;
      const names = unpinned.map((w) => (w.literal ? w.text : run.script.script.slice(w.start, w.end)));
      out.push(
        hitAtWord(
          ctx,
          run,
          unpinned[0],
          `${cmd.name} ${isModule ? "module " : ""}install without versions: ${names.join(", ")}`,
          {
            fix: isModule
              ? `${cmd.name} module install ${names.map((n) => `${n}:<stream>`).join(" ")}`
              : `${cmd.name} install ${names.map((n) => `${n}-<version>`).join(" ")}`,
          },
        ),
      );
      break;
    }
  }
  return out;
}
