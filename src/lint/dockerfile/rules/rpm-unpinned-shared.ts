/**
 * Shared check of dockerfile-yum-unpinned and dockerfile-dnf-unpinned: packages of
 * `<tool> install` need `name-version`, modules of `<tool> module install` need
 * `name:stream`; groups are not judged. Variables (`git-core-${version}`) are expanded from
 * the ENV and ARG values in force in the stage (and the stages it builds on) before the RUN.
 */
import type { Instruction } from "../../../dockerfile/model.js";
import { parseKeyValues, splitWords } from "../../../dockerfile/parser.js";
import { argsNoFlags } from "../../../dockerfile/shell.js";
import { substituteVariables } from "../../../dockerfile/substitute.js";
import { rpmVersionFixed } from "../package-commands.js";
import { hitAtWord, type LintContext, type RuleHit, type RunInfo } from "../rule.js";

function variablesBefore(ctx: LintContext, run: RunInfo): Map<string, string | undefined> {
  const vars = new Map<string, string | undefined>();
  const stages = ctx.lineage(run.stage).reverse();
  for (const stage of stages) {
    for (const i of stage.instructions) {
      if (i === run.outer) break;
      const target: Instruction | undefined = i.trigger && run.onbuild ? i.trigger : i;
      if (target.keyword === "ENV" || target.keyword === "ARG")
        for (const kv of parseKeyValues(target, target.keyword === "ENV"))
          if (kv.value !== undefined || !vars.has(kv.key)) vars.set(kv.key, kv.value);
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
      const unpinned = words.filter((w) => {
        let text = w.text;
        if (!w.literal) {
          vars ??= variablesBefore(ctx, run);
          const raw = run.script.script.slice(w.start, w.end);
          const sub = substituteVariables(raw, vars);
          text = sub.missing.length > 0 ? w.text : (splitWords(sub.value)[0]?.value ?? "");
        }
        return isModule ? !text.includes(":") : !rpmVersionFixed(text);
      });
      if (unpinned.length === 0) continue;
      const names = unpinned.map((w) => w.text);
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
